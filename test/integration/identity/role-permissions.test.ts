import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKSPACE_ROLES } from '../../../internal/entity/workspace-entity.js';
import { rolesFor, type Permission } from '../../../internal/service/identity/permissions.js';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { connectFakeModel, createChatApp } from '../../helpers/chat-setup.js';
import { teamOfEveryRole, type Member } from '../../helpers/teams.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

/** Console routes any signed-in account may call, whatever its role: its own profile, its workspaces, joining one. */
const ACCOUNT_LEVEL = new Set([
  'POST /auth/logout',
  'GET /account',
  'POST /account/name',
  'POST /account/avatar',
  'POST /account/password',
  'GET /workspaces',
  'POST /workspaces',
  'POST /workspaces/switch',
  'POST /invitations/accept',
]);

interface Operation {
  method: string;
  path: string;
  permission: Permission | undefined;
  secured: boolean;
}

describe('every console route against every role', () => {
  let server: TestServer;
  let upstream: FakeOpenAiServer;
  let team: Record<string, Member>;
  let operations: Operation[];

  beforeAll(async () => {
    upstream = await new FakeOpenAiServer().start();
    server = await startTestServer({ db: 'pglite', redis: false }, { rateLimitApiKeyPerMinute: 1_000_000 });
    team = await teamOfEveryRole(server);
    const spec = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
    operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        permission: /^Permission `([a-z_.]+)`/.exec(op.description ?? '')?.[1] as Permission | undefined,
        secured: Boolean(op.security),
      })),
    );
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await upstream?.close();
  });

  it('every console route that acts in a workspace names the permission it needs', () => {
    const unchecked = operations
      .filter((op) => op.secured && !op.path.startsWith('/v1/') && !op.permission)
      .map((op) => `${op.method} ${op.path}`)
      .filter((name) => !ACCOUNT_LEVEL.has(name));
    expect(unchecked).toEqual([]);
    expect(operations.filter((op) => op.permission).length).toBeGreaterThan(60);
  });

  it('the roles do what the issue says, with real resources', async () => {
    const { owner, admin, editor, normal, dataset_operator: operator } = team as Record<string, Member>;
    await connectFakeModel(server, owner!.token, upstream);
    const draft = await createChatApp(server, editor!.token);
    const published = await createChatApp(server, editor!.token);
    expect((await server.post(`/apps/${published}/publish`, { token: editor!.token })).status).toBe(200);

    // normal: uses the published apps; cannot build, publish or read logs; no datasets.
    const seen = (await server.get('/apps', { token: normal!.token })).body.data.list.map((a: any) => a.id);
    expect(seen).toEqual([published]);
    expect((await server.get(`/apps/${draft}`, { token: normal!.token })).status).toBe(404);
    expect((await server.get(`/apps/${published}`, { token: normal!.token })).body.data.web_app_token).toEqual(expect.any(String));
    for (const [method, path] of [
      ['POST', '/apps'],
      ['POST', `/apps/${published}/publish`],
      ['GET', `/apps/${published}/logs`],
      ['GET', '/datasets'],
    ] as const) {
      const res =
        method === 'GET' ? await server.get(path, { token: normal!.token }) : await server.post(path, { token: normal!.token, body: {} });
      expect(res.status, `${method} ${path}`).toBe(403);
    }

    // dataset_operator: datasets only.
    const dataset = await server.post('/datasets', {
      token: operator!.token,
      body: { name: 'Ops data', indexing_technique: 'economy', permission: 'all_team_members' },
    });
    expect(dataset.status, JSON.stringify(dataset.body)).toBe(200);
    expect((await server.get('/apps', { token: operator!.token })).status).toBe(403);
    expect((await server.post('/apps', { token: operator!.token, body: { name: 'x' } })).status).toBe(403);

    // editor: builds apps and datasets, but no members and no provider keys.
    expect((await server.get(`/datasets/${dataset.body.data.id}`, { token: editor!.token })).status).toBe(200);
    expect((await server.get(`/apps/${published}/logs`, { token: editor!.token })).status).toBe(200);
    const keyBody = { api_key: 'sk-x', base_url: upstream.baseUrl, models: [{ model: 'fake-chat' }], validate: false };
    expect((await server.post('/llm-models/openai_compatible/credentials', { token: editor!.token, body: keyBody })).status).toBe(403);
    const invite = { emails: ['someone@example.com'], role: 'normal' };
    expect((await server.post('/workspaces/current/members/invite', { token: editor!.token, body: invite })).status).toBe(403);

    // admin: everything but ownership.
    expect((await server.post('/llm-models/openai_compatible/credentials', { token: admin!.token, body: keyBody })).status).toBe(200);
    expect((await server.post('/workspaces/current/members/invite', { token: admin!.token, body: invite })).status).toBe(200);
    const transfer = await server.post('/workspaces/current/transfer-ownership', { token: admin!.token, body: { account_id: editor!.id } });
    expect(transfer.status).toBe(403);
  }, 60_000);

  it('each role is refused exactly the routes its role may not use, before anything is read or written', async () => {
    const mismatches: string[] = [];
    // Leaving the workspace goes last: after it the members act elsewhere. This test runs last for the same reason.
    const leavesLast = (op: Operation) => (op.path.endsWith('/leave') ? 1 : 0);
    for (const op of operations.filter((o) => o.permission).sort((x, y) => leavesLast(x) - leavesLast(y))) {
      // Unknown ids and an empty body: an allowed role gets past the check and fails later (404, 400), a refused one gets 403.
      const url = op.path.replace(/\{(\w+)\}/g, () => randomUUID());
      for (const role of WORKSPACE_ROLES) {
        const res = await fetch(`${server.baseUrl}${url}`, {
          method: op.method,
          headers: { authorization: `Bearer ${team[role]!.token}`, 'content-type': 'application/json' },
          body: op.method === 'GET' ? undefined : '{}',
        });
        const body = (await res.json()) as { code?: string; message?: string };
        const allowed = rolesFor(op.permission!).includes(role);
        const refused = res.status === 403 && body.code === 'forbidden' && body.message!.includes(`(${role})`);
        if (allowed === refused) mismatches.push(`${role} ${op.method} ${op.path}: ${res.status} ${JSON.stringify(body)}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);
});
