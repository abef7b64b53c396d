import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { PASSWORD, registerAccount, type TestAccount } from './accounts.js';
import type { HttpClient } from './http-client.js';

export interface Member extends TestAccount {
  id: string;
}

/** The token of an invitation link, as the console's activation page would read it. */
export function tokenOf(url: string): string {
  return new URL(url).searchParams.get('token')!;
}

/** Invites a new person with `role` and has them join through the link; they act in the inviter's workspace then. */
export async function inviteNewMember(client: HttpClient, ownerToken: string, role: string, name = 'Member'): Promise<Member> {
  const email = `invitee-${randomBytes(5).toString('hex')}@example.com`;
  const invited = await client.post('/workspaces/current/members/invite', { token: ownerToken, body: { emails: [email], role } });
  expect(invited.status, JSON.stringify(invited.body)).toBe(200);
  const joined = await client.post('/invitations/activate', {
    body: { token: tokenOf(invited.body.data.invitations[0].url), name, password: PASSWORD },
  });
  expect(joined.status, JSON.stringify(joined.body)).toBe(200);
  const token = joined.body.data.access_token as string;
  const id = (await client.get('/account', { token })).body.data.id as string;
  return { email, token, id };
}

/** An owner and one member of every other role, all in the owner's workspace. */
export async function teamOfEveryRole(client: HttpClient): Promise<Record<string, Member>> {
  const owner = await registerAccount(client, 'Owner');
  const ownerId = (await client.get('/account', { token: owner.token })).body.data.id as string;
  const team: Record<string, Member> = { owner: { ...owner, id: ownerId } };
  for (const role of ['admin', 'editor', 'normal', 'dataset_operator']) team[role] = await inviteNewMember(client, owner.token, role, role);
  return team;
}
