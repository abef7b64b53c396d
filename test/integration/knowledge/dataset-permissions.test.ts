import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccount } from '../../helpers/accounts.js';
import { inviteNewMember, type Member } from '../../helpers/teams.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

describe("datasets' permission: only me, all team members, partial members", () => {
  let server: TestServer;
  let owner: string;
  let author: Member;
  let colleague: Member;
  let operator: Member;

  beforeAll(async () => {
    server = await startTestServer({ db: 'pglite', redis: false });
    owner = (await registerAccount(server, 'Owner')).token;
    author = await inviteNewMember(server, owner, 'editor', 'Author');
    colleague = await inviteNewMember(server, owner, 'editor', 'Colleague');
    operator = await inviteNewMember(server, owner, 'dataset_operator', 'Operator');
  });
  afterAll(() => server?.close());

  const create = (token: string, body: object = {}) =>
    server.post('/datasets', { token, body: { name: 'Notes', indexing_technique: 'economy', ...body } });
  const listed = async (token: string) => (await server.get('/datasets', { token })).body.data.list.map((d: any) => d.id) as string[];

  it('a new dataset is for its creator only: others get forbidden, owners see it all the same', async () => {
    const made = await create(author.token);
    expect(made.body.data).toMatchObject({ permission: 'only_me', partial_member_list: [] });
    const id = made.body.data.id;
    expect(await listed(author.token)).toContain(id);
    expect(await listed(colleague.token)).not.toContain(id);
    for (const [method, path] of [
      ['GET', `/datasets/${id}`],
      ['GET', `/datasets/${id}/documents`],
      ['POST', `/datasets/${id}/hit`],
      ['POST', `/datasets/${id}/delete`],
    ] as const) {
      const res =
        method === 'GET'
          ? await server.get(path, { token: colleague.token })
          : await server.post(path, { token: colleague.token, body: { query: 'x' } });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.message).toContain('not shared with you');
    }
    expect(await listed(owner)).toContain(id);
    expect((await server.get(`/datasets/${id}`, { token: owner })).status).toBe(200);
    expect((await server.get(`/datasets/${randomUUID()}`, { token: colleague.token })).status).toBe(404);
  });

  it('partial members see it; only the creator or an admin changes who does; strangers in the list write nothing', async () => {
    const id = (await create(author.token)).body.data.id;
    const shared = await server.post(`/datasets/${id}`, {
      token: author.token,
      body: { permission: 'partial_members', partial_member_list: [colleague.id] },
    });
    expect(shared.body.data).toMatchObject({ permission: 'partial_members', partial_member_list: [colleague.id] });
    expect(await listed(colleague.token)).toContain(id);
    expect(await listed(operator.token)).not.toContain(id);
    expect((await server.get(`/datasets/${id}/documents`, { token: colleague.token })).status).toBe(200);

    const takeover = await server.post(`/datasets/${id}`, { token: colleague.token, body: { permission: 'only_me' } });
    expect(takeover.status).toBe(403);
    const stranger = (await registerAccount(server)).token;
    const strangerId = (await server.get('/account', { token: stranger })).body.data.id;
    const bad = await server.post(`/datasets/${id}`, {
      token: author.token,
      body: { name: 'Renamed', permission: 'partial_members', partial_member_list: [operator.id, strangerId] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain(strangerId);
    const after = (await server.get(`/datasets/${id}`, { token: author.token })).body.data;
    expect(after).toMatchObject({ name: 'Notes', partial_member_list: [colleague.id] });

    const everyone = await server.post(`/datasets/${id}`, { token: owner, body: { permission: 'all_team_members' } });
    expect(everyone.body.data).toMatchObject({ permission: 'all_team_members', partial_member_list: [] });
    expect(await listed(operator.token)).toContain(id);
  });

  it('a dataset is not made when its member list names someone outside the workspace', async () => {
    const before = (await listed(author.token)).length;
    const res = await create(author.token, { permission: 'partial_members', partial_member_list: [randomUUID()] });
    expect(res.status).toBe(400);
    expect((await listed(author.token)).length).toBe(before);
    const odd = await server.post(`/datasets/${randomUUID()}`, { token: author.token, body: { partial_member_list: [colleague.id] } });
    expect(odd.status).toBe(400);
  });
});
