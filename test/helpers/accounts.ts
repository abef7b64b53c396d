import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { HttpClient } from './http-client.js';

export const PASSWORD = 'correct-h0rse-battery';

export interface TestAccount {
  email: string;
  token: string;
}

/** Registers a new account with a unique email and returns its token. */
export async function registerAccount(client: HttpClient, name = 'Tester'): Promise<TestAccount> {
  const email = `user-${randomBytes(5).toString('hex')}@example.com`;
  const res = await client.post('/auth/register', { body: { email, password: PASSWORD, name } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { email, token: res.body.data.access_token };
}
