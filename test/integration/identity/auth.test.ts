import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../../internal/service/identity/token-service.js';
import { PASSWORD, registerAccount } from '../../helpers/accounts.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../../helpers/test-server.js';

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`auth on ${backendTitle(backend)}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend, { loginMaxFailures: 3, loginLockSeconds: 60 });
    });
    afterAll(() => server?.close());

    describe('register', () => {
      it('creates the account, signs it in and stores the email lower-cased', async () => {
        const res = await server.post('/auth/register', {
          body: { email: '  Mixed.Case@Example.COM ', password: PASSWORD, name: '  Ada  ' },
        });
        expect(res.status).toBe(200);
        expect(res.body.code).toBe('success');
        expect(res.body.data.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
        expect(res.body.data.expire_at).toBeGreaterThan(Date.now() / 1000 + 3600);
        const me = await server.get('/account', { token: res.body.data.access_token });
        expect(me.body.data).toMatchObject({ email: 'mixed.case@example.com', name: 'Ada' });
        expect(me.body.data).not.toHaveProperty('password_hash');
      });

      it('refuses an email that is already registered, whatever its case', async () => {
        const { email } = await registerAccount(server);
        const res = await server.post('/auth/register', { body: { email: email.toUpperCase(), password: PASSWORD, name: 'Twin' } });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: 'fail', message: 'email is already registered' });
      });

      const invalid: Array<[string, Record<string, unknown>, string]> = [
        ['a missing email', { password: PASSWORD, name: 'x' }, 'email'],
        ['a malformed email', { email: 'not-an-email', password: PASSWORD, name: 'x' }, 'email'],
        ['an email over 255 characters', { email: `${'a'.repeat(250)}@example.com`, password: PASSWORD, name: 'x' }, 'email'],
        ['a short password', { email: 'p1@example.com', password: 'ab1', name: 'x' }, 'password'],
        ['a password without a digit', { email: 'p2@example.com', password: 'abcdefghij', name: 'x' }, 'password'],
        ['a password without a letter', { email: 'p3@example.com', password: '1234567890', name: 'x' }, 'password'],
        ['a password over 128 characters', { email: 'p4@example.com', password: `a1${'b'.repeat(127)}`, name: 'x' }, 'password'],
        ['a blank name', { email: 'n1@example.com', password: PASSWORD, name: '   ' }, 'name'],
        ['a name over 100 characters', { email: 'n2@example.com', password: PASSWORD, name: 'n'.repeat(101) }, 'name'],
        ['a name that is not a string', { email: 'n3@example.com', password: PASSWORD, name: 42 }, 'name'],
      ];
      it.each(invalid)('rejects %s, naming the field', async (_label, body, field) => {
        const res = await server.post('/auth/register', { body });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('validate_error');
        expect(res.body.message.startsWith(`${field}:`)).toBe(true);
        expect(res.body.data.errors.map((e: { field: string }) => e.field)).toContain(field);
      });

      it('rejects a body that is not JSON, and writes nothing', async () => {
        const res = await server.post('/auth/register', { raw: '{"email": "x@example.com", ' });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('fail');
        const login = await server.post('/auth/password-login', { body: { email: 'x@example.com', password: PASSWORD } });
        expect(login.status).toBe(401);
      });

      it('is refused when registration is turned off', async () => {
        const closed = await startTestServer(backend, { allowRegister: false });
        try {
          const res = await closed.post('/auth/register', { body: { email: 'late@example.com', password: PASSWORD, name: 'Late' } });
          expect(res.status).toBe(403);
          expect(res.body).toMatchObject({ code: 'forbidden', message: 'registration is closed on this server' });
        } finally {
          await closed.close();
        }
      });
    });

    describe('password login', () => {
      it('answers a token for the right password', async () => {
        const { email } = await registerAccount(server);
        const res = await server.post('/auth/password-login', { body: { email: email.toUpperCase(), password: PASSWORD } });
        expect(res.status).toBe(200);
        expect(res.body.data).toEqual({ access_token: expect.any(String), expire_at: expect.any(Number) });
        const me = await server.get('/account', { token: res.body.data.access_token });
        expect(me.body.data.email).toBe(email);
        expect(me.body.data.last_login_ip).toBe('127.0.0.1');
      });

      it('gives the same answer for a wrong password and an unknown email', async () => {
        const { email } = await registerAccount(server);
        const wrong = await server.post('/auth/password-login', { body: { email, password: 'wrong-passw0rd' } });
        const unknown = await server.post('/auth/password-login', { body: { email: 'nobody@example.com', password: PASSWORD } });
        expect(wrong.status).toBe(401);
        expect(unknown.status).toBe(401);
        expect(wrong.body).toEqual(unknown.body);
        expect(wrong.body).toMatchObject({ code: 'unauthorized', message: 'email or password is incorrect' });
      });

      it('validates its body', async () => {
        const res = await server.post('/auth/password-login', { body: { email: 'x@example.com' } });
        expect(res.status).toBe(400);
        expect(res.body.message).toMatch(/^password:/);
      });

      it('locks an email after repeated failures, even for the right password, and says for how long', async () => {
        const { email } = await registerAccount(server);
        for (let i = 0; i < 3; i++) {
          const res = await server.post('/auth/password-login', { body: { email, password: 'wrong-passw0rd' } });
          expect(res.status).toBe(401);
        }
        const locked = await server.post('/auth/password-login', { body: { email, password: PASSWORD } });
        expect(locked.status).toBe(429);
        expect(locked.body.code).toBe('rate_limited');
        expect(locked.body.message).toMatch(/try again in \d+ seconds/);
        const retryAfter = Number(locked.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(50);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(locked.body.data.retry_after).toBe(retryAfter);
        // Another email is not affected by this one's lock.
        const other = await registerAccount(server);
        const ok = await server.post('/auth/password-login', { body: { email: other.email, password: PASSWORD } });
        expect(ok.status).toBe(200);
      });

      it('forgets earlier failures after a successful login', async () => {
        const { email } = await registerAccount(server);
        for (let i = 0; i < 2; i++) await server.post('/auth/password-login', { body: { email, password: 'wrong-passw0rd' } });
        expect((await server.post('/auth/password-login', { body: { email, password: PASSWORD } })).status).toBe(200);
        for (let i = 0; i < 2; i++) await server.post('/auth/password-login', { body: { email, password: 'wrong-passw0rd' } });
        expect((await server.post('/auth/password-login', { body: { email, password: PASSWORD } })).status).toBe(200);
      });

      it('counts concurrent failures without losing any', async () => {
        const { email } = await registerAccount(server);
        await Promise.all(
          Array.from({ length: 6 }, () => server.post('/auth/password-login', { body: { email, password: 'wrong-passw0rd' } })),
        );
        const res = await server.post('/auth/password-login', { body: { email, password: PASSWORD } });
        expect(res.status).toBe(429);
      });
    });

    describe('tokens', () => {
      it('refuses a request without a token', async () => {
        const res = await server.get('/account');
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('missing Authorization header') });
      });

      it('refuses a header that is not a bearer token', async () => {
        const res = await server.get('/account', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
        expect(res.status).toBe(401);
        expect(res.body.message).toMatch(/Bearer/);
      });

      it('refuses a garbage token and a tampered one', async () => {
        const garbage = await server.get('/account', { token: 'not.a.jwt' });
        expect(garbage.status).toBe(401);
        const { token } = await registerAccount(server);
        const [header, payload, signature] = token.split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
        const forged = Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url');
        const tampered = await server.get('/account', { token: `${header}.${forged}.${signature}` });
        expect(tampered.status).toBe(401);
        expect(tampered.body.message).toBe('access token is invalid');
      });

      it('refuses a token signed with another secret', async () => {
        const { token } = await registerAccount(server);
        const sub = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;
        const foreign = await new TokenService('another-secret-key-of-sufficient-length-xx', 3600).issue(sub, 0);
        const res = await server.get('/account', { token: foreign.accessToken });
        expect(res.status).toBe(401);
      });

      it('refuses an expired token and says so', async () => {
        const { token } = await registerAccount(server);
        const sub = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;
        const expired = await new TokenService(TEST_SECRET, -60).issue(sub, 0);
        const res = await server.get('/account', { token: expired.accessToken });
        expect(res.status).toBe(401);
        expect(res.body.message).toBe('access token has expired; log in again');
      });

      it('logout revokes that token only', async () => {
        const { email, token } = await registerAccount(server);
        const second = (await server.post('/auth/password-login', { body: { email, password: PASSWORD } })).body.data.access_token;
        const out = await server.post('/auth/logout', { token });
        expect(out.status).toBe(200);
        expect(out.body).toEqual({ code: 'success', message: 'logged out', data: {} });
        expect((await server.get('/account', { token })).status).toBe(401);
        expect((await server.post('/auth/logout', { token })).status).toBe(401);
        expect((await server.get('/account', { token: second })).status).toBe(200);
      });
    });
  });
}
