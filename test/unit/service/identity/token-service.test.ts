import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenService } from '../../../../internal/service/identity/token-service.js';

const SECRET = 'unit-secret-key-0123456789abcdefghijklmn';

describe('TokenService', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers a token it has checked from memory until it expires, then says it has expired', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-27T12:00:00Z'), toFake: ['Date'] });
    const tokens = new TokenService(SECRET, 60);
    const { accessToken } = await tokens.issue('account-1', 3);
    const first = await tokens.verify(accessToken);
    expect(first).toMatchObject({ accountId: 'account-1', version: 3 });
    expect(await tokens.verify(accessToken)).toBe(first);

    vi.setSystemTime(new Date('2026-11-27T12:01:01Z'));
    await expect(tokens.verify(accessToken)).rejects.toThrow('access token has expired; log in again');
  });

  it('refuses a token whose signature does not match, even next to a remembered one', async () => {
    const tokens = new TokenService(SECRET, 60);
    const { accessToken } = await tokens.issue('account-1', 0);
    await tokens.verify(accessToken);
    const [header, payload, signature] = accessToken.split('.');
    const forged = `${header}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(tokens.verify(forged)).rejects.toThrow('access token is invalid');
    await expect(new TokenService(`${SECRET}-other`, 60).verify(accessToken)).rejects.toThrow('access token is invalid');
  });
});
