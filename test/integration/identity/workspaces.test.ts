import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, registerAccount } from '../../helpers/accounts.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { inviteNewMember, tokenOf } from '../../helpers/teams.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { createPersonalWorkspace } from '../../../internal/service/identity/workspace-membership.js';

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`workspaces and members on ${backendTitle(backend)}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend);
    });
    afterAll(() => server?.close());

    const workspaces = async (token: string) => (await server.get('/workspaces', { token })).body.data as any[];

    it('a new account has one workspace it owns, current, and can rename it', async () => {
      const { token } = await registerAccount(server, 'Ada');
      const list = await workspaces(token);
      expect(list).toEqual([
        { id: expect.any(String), name: "Ada's Workspace", role: 'owner', current: true, created_at: expect.any(Number) },
      ]);
      const current = await server.get('/workspaces/current', { token });
      expect(current.body.data).toMatchObject({ id: list[0].id, role: 'owner', current: true });
      const renamed = await server.post('/workspaces/current', { token, body: { name: '  Analytical Engines  ' } });
      expect(renamed.status).toBe(200);
      expect((await workspaces(token))[0].name).toBe('Analytical Engines');
      const blank = await server.post('/workspaces/current', { token, body: { name: ' ' } });
      expect(blank.status).toBe(400);
      expect(blank.body.message).toContain('name');
    });

    it("resources belong to the workspace: another workspace's ids are not found, switching brings them back", async () => {
      const { token } = await registerAccount(server);
      const [home] = await workspaces(token);
      const app = (await server.post('/apps', { token, body: { name: 'Home app' } })).body.data;
      const created = await server.post('/workspaces', { token, body: { name: 'Side project' } });
      expect(created.body.data).toMatchObject({ name: 'Side project', role: 'owner', current: true });
      expect((await server.get('/apps', { token })).body.data.list).toEqual([]);
      expect((await server.get(`/apps/${app.id}`, { token })).status).toBe(404);
      expect((await server.post(`/apps/${app.id}`, { token, body: { name: 'stolen' } })).status).toBe(404);
      const dataset = await server.post('/datasets', { token, body: { name: 'Side data', indexing_technique: 'economy' } });
      expect(dataset.status).toBe(200);

      const back = await server.post('/workspaces/switch', { token, body: { workspace_id: home.id } });
      expect(back.body.data).toMatchObject({ id: home.id, current: true });
      expect((await server.get(`/apps/${app.id}`, { token })).body.data.name).toBe('Home app');
      expect((await server.get(`/datasets/${dataset.body.data.id}`, { token })).status).toBe(404);
      expect((await workspaces(token)).map((w) => [w.name, w.current])).toEqual([
        [expect.stringContaining('Workspace'), true],
        ['Side project', false],
      ]);
      // A workspace one is not a member of is not found, not forbidden: its id says nothing.
      const stranger = await registerAccount(server);
      const foreign = await server.post('/workspaces/switch', { token: stranger.token, body: { workspace_id: home.id } });
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('not_found');
    });

    it('an invited person joins through the link once and acts in the team with the role given', async () => {
      const owner = await registerAccount(server, 'Owner');
      const [team] = await workspaces(owner.token);
      const app = (await server.post('/apps', { token: owner.token, body: { name: 'Team app' } })).body.data;
      const email = `new-${Date.now()}@example.com`;
      const invited = await server.post('/workspaces/current/members/invite', {
        token: owner.token,
        body: { emails: [email, email.toUpperCase(), owner.email], role: 'editor' },
      });
      expect(invited.status, JSON.stringify(invited.body)).toBe(200);
      // Emails are compared lower-cased: the same person twice is one invitation; a member is told apart.
      expect(invited.body.data.invitations).toEqual([
        { email, status: 'invited', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/activate\?token=[\w-]{43}$/), mail: 'off' },
        { email: owner.email, status: 'already_member', url: null, mail: 'off' },
      ]);
      const token = tokenOf(invited.body.data.invitations[0].url);
      const joined = await server.post('/invitations/activate', { body: { token, name: 'Newcomer', password: PASSWORD } });
      expect(joined.status, JSON.stringify(joined.body)).toBe(200);
      const member = joined.body.data.access_token;
      expect(await workspaces(member)).toEqual([
        { id: team.id, name: team.name, role: 'editor', current: true, created_at: expect.any(Number) },
      ]);
      expect((await server.get(`/apps/${app.id}`, { token: member })).body.data.name).toBe('Team app');
      // The link is single-use, and the new account signs in with the invited email.
      const again = await server.post('/invitations/activate', { body: { token, name: 'Twice', password: PASSWORD } });
      expect(again.status).toBe(404);
      expect(again.body.message).toContain('invitation');
      expect((await server.post('/auth/password-login', { body: { email, password: PASSWORD } })).status).toBe(200);

      const members = await server.get('/workspaces/current/members', { token: member });
      expect(members.body.data.list.map((m: any) => [m.name, m.role, m.status])).toEqual([
        ['Owner', 'owner', 'active'],
        ['Newcomer', 'editor', 'active'],
      ]);
      expect(members.body.data.list[1]).toEqual({
        id: expect.any(String),
        name: 'Newcomer',
        email,
        avatar: '',
        role: 'editor',
        status: 'active',
        last_active_at: expect.any(Number),
        created_at: expect.any(Number),
      });
    });

    it('a signed-in person accepts an invitation sent to their email, and only to their email', async () => {
      const owner = await registerAccount(server, 'Owner');
      const [team] = await workspaces(owner.token);
      const guest = await registerAccount(server, 'Guest');
      const other = await registerAccount(server, 'Other');
      const invited = await server.post('/workspaces/current/members/invite', {
        token: owner.token,
        body: { emails: [guest.email], role: 'normal' },
      });
      const token = tokenOf(invited.body.data.invitations[0].url);
      const wrong = await server.post('/invitations/accept', { token: other.token, body: { token } });
      expect(wrong.status).toBe(403);
      expect(wrong.body.message).toContain('another email');
      const accepted = await server.post('/invitations/accept', { token: guest.token, body: { token } });
      expect(accepted.body.data).toEqual({ workspace_id: team.id, role: 'normal' });
      expect((await workspaces(guest.token)).map((w) => [w.id === team.id, w.role, w.current])).toEqual([
        [false, 'owner', false],
        [true, 'normal', true],
      ]);
      // An activation link cannot make a second account for an existing email.
      const reinvite = await server.post('/workspaces/current/members/invite', {
        token: owner.token,
        body: { emails: [other.email], role: 'admin' },
      });
      const activate = await server.post('/invitations/activate', {
        body: { token: tokenOf(reinvite.body.data.invitations[0].url), name: 'Dup', password: PASSWORD },
      });
      expect(activate.status).toBe(400);
      expect(activate.body.message).toContain('already registered');
      for (const body of [
        { emails: [], role: 'editor' },
        { emails: ['x@example.com'], role: 'owner' },
        { emails: ['nope'], role: 'editor' },
      ]) {
        const bad = await server.post('/workspaces/current/members/invite', { token: owner.token, body });
        expect(bad.status, JSON.stringify(body)).toBe(400);
      }
    });

    it('a role change and a removal take effect on the very next request', async () => {
      const owner = await registerAccount(server, 'Owner');
      const editor = await inviteNewMember(server, owner.token, 'editor');
      const app = (await server.post('/apps', { token: owner.token, body: { name: 'Shared' } })).body.data;
      expect((await server.post(`/apps/${app.id}`, { token: editor.token, body: { name: 'Edited' } })).status).toBe(200);

      const demoted = await server.post(`/workspaces/current/members/${editor.id}/role`, { token: owner.token, body: { role: 'normal' } });
      expect(demoted.body.data).toMatchObject({ id: editor.id, role: 'normal' });
      const refused = await server.post(`/apps/${app.id}`, { token: editor.token, body: { name: 'Again' } });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'forbidden', message: expect.stringContaining('owner, admin, editor') });

      const removed = await server.post(`/workspaces/current/members/${editor.id}/delete`, { token: owner.token });
      expect(removed.status).toBe(200);
      // Out of the team at once; they land in a workspace of their own, where the team's app does not exist.
      expect((await server.get(`/apps/${app.id}`, { token: editor.token })).status).toBe(404);
      const theirs = await workspaces(editor.token);
      expect(theirs).toEqual([expect.objectContaining({ role: 'owner', current: true })]);
      expect((await server.get('/workspaces/current/members', { token: owner.token })).body.data.list).toHaveLength(1);
    });

    it('the owner is one: not removable, not demoted, and ownership moves only by transfer', async () => {
      const owner = await registerAccount(server, 'Owner');
      const ownerId = (await server.get('/account', { token: owner.token })).body.data.id;
      const admin = await inviteNewMember(server, owner.token, 'admin');
      expect((await server.post(`/workspaces/current/members/${ownerId}/delete`, { token: admin.token })).status).toBe(403);
      expect(
        (await server.post(`/workspaces/current/members/${ownerId}/role`, { token: admin.token, body: { role: 'normal' } })).status,
      ).toBe(403);
      expect(
        (await server.post(`/workspaces/current/members/${admin.id}/role`, { token: owner.token, body: { role: 'owner' } })).status,
      ).toBe(400);
      expect(
        (await server.post(`/workspaces/current/members/${admin.id}/role`, { token: admin.token, body: { role: 'editor' } })).status,
      ).toBe(403);
      const byAdmin = await server.post('/workspaces/current/transfer-ownership', { token: admin.token, body: { account_id: admin.id } });
      expect(byAdmin.status).toBe(403);

      const transferred = await server.post('/workspaces/current/transfer-ownership', {
        token: owner.token,
        body: { account_id: admin.id },
      });
      expect(transferred.status).toBe(200);
      const roles = (await server.get('/workspaces/current/members', { token: owner.token })).body.data.list.map((m: any) => [
        m.id,
        m.role,
      ]);
      expect(Object.fromEntries(roles)).toEqual({ [ownerId]: 'admin', [admin.id]: 'owner' });
      // The former owner, now an admin, may leave; the new owner may not.
      expect((await server.post('/workspaces/current/leave', { token: admin.token })).status).toBe(403);
      expect((await server.post('/workspaces/current/leave', { token: owner.token })).status).toBe(200);
      expect((await workspaces(owner.token)).map((w) => w.role)).toEqual(['owner']);
      expect((await server.get('/workspaces/current/members', { token: admin.token })).body.data.list).toHaveLength(1);
      const unknown = await server.post('/workspaces/current/transfer-ownership', {
        token: admin.token,
        body: { account_id: crypto.randomUUID() },
      });
      expect(unknown.status).toBe(404);
    });

    it('with registration closed, an invited person still gets in', async () => {
      const closed = await startTestServer(backend, { allowRegister: false });
      try {
        expect((await closed.post('/auth/register', { body: { email: 'x@example.com', password: PASSWORD, name: 'X' } })).status).toBe(403);
        // The first account of a closed server exists already (made before registration closed).
        const person = { email: 'root@example.com', password: PASSWORD, name: 'Root' };
        await closed.module.services.auth.createAccount(person, '127.0.0.1', createPersonalWorkspace);
        const root = (await closed.post('/auth/password-login', { body: { email: 'root@example.com', password: PASSWORD } })).body.data
          .access_token;
        const member = await inviteNewMember(closed, root, 'editor');
        expect((await closed.get('/workspaces/current', { token: member.token })).body.data.role).toBe('editor');
      } finally {
        await closed.close();
      }
    });
  });
}
