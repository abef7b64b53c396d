import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccount } from '../../helpers/accounts.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

describe('HTTP server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db: 'pglite', redis: false }, { bodyLimitBytes: 4096, corsOrigins: 'https://console.example.com' });
  });
  afterAll(() => server?.close());

  it('GET /ping answers without a token and checks the database', async () => {
    const res = await server.get('/ping');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ code: 'success', message: 'pong', data: { status: 'ok', database: 'pglite', vector: true } });
  });

  it('puts a request id on every response and keeps a safe incoming one', async () => {
    const generated = await server.get('/ping');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await server.get('/ping', { headers: { 'x-request-id': 'proxy-abc.123' } });
    expect(kept.headers.get('x-request-id')).toBe('proxy-abc.123');
    const unsafe = await server.get('/ping', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const error = await server.get('/nowhere');
    expect(error.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers not_found in the envelope for an unknown route, even without a token', async () => {
    const res = await server.post('/no/such/route?x=1');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 'not_found', message: 'no route POST /no/such/route', data: {} });
  });

  it('allows the configured CORS origin only', async () => {
    const allowed = await fetch(`${server.baseUrl}/apps`, {
      method: 'OPTIONS',
      headers: { origin: 'https://console.example.com', 'access-control-request-method': 'POST' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    const denied = await fetch(`${server.baseUrl}/ping`, { headers: { origin: 'https://evil.example.com' } });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a body over the limit with 413, before authenticating nothing is written', async () => {
    const { token } = await registerAccount(server);
    const res = await server.post('/apps', { token, body: { name: 'big', description: 'x'.repeat(5000) } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'fail', message: 'request body is too large' });
    expect((await server.get('/apps', { token })).body.data.paginator.total_record).toBe(0);
  });

  it('refuses malformed JSON and an unsupported content type', async () => {
    const { token } = await registerAccount(server);
    const malformed = await server.post('/apps', { token, raw: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('fail');
    const text = await server.post('/apps', { token, raw: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(text.body.message).toMatch(/unsupported content type/);
  });

  it('serves the OpenAPI document with every route and its shapes', async () => {
    const res = await fetch(`${server.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, any>> };
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(
      [
        'GET /ping',
        'POST /auth/register',
        'POST /auth/password-login',
        'POST /auth/logout',
        'GET /workspaces',
        'POST /workspaces',
        'POST /workspaces/switch',
        'GET /workspaces/current',
        'POST /workspaces/current',
        'GET /workspaces/current/members',
        'POST /workspaces/current/members/invite',
        'POST /workspaces/current/members/{account_id}/role',
        'POST /workspaces/current/members/{account_id}/delete',
        'POST /workspaces/current/transfer-ownership',
        'POST /workspaces/current/leave',
        'POST /invitations/activate',
        'POST /invitations/accept',
        'GET /auth/providers',
        'GET /builtin-tools/{provider}/credentials',
        'POST /builtin-tools/{provider}/credentials',
        'POST /builtin-tools/{provider}/credentials/delete',
        'POST /api-tools/validate-openapi-schema',
        'POST /api-tools/import-openapi-url',
        'POST /api-tools',
        'GET /api-tools',
        'GET /api-tools/{provider_id}',
        'POST /api-tools/{provider_id}',
        'POST /api-tools/{provider_id}/delete',
        'GET /api-tools/{provider_id}/tools/{tool_name}',
        'POST /mcp-servers',
        'GET /mcp-servers',
        'GET /mcp-servers/{id}',
        'POST /mcp-servers/{id}',
        'POST /mcp-servers/{id}/refresh',
        'POST /mcp-servers/{id}/delete',
        'POST /workflow-tools',
        'GET /workflow-tools',
        'GET /workflow-tools/{workflow_tool_id}',
        'POST /workflow-tools/{workflow_tool_id}',
        'POST /workflow-tools/{workflow_tool_id}/delete',
        'GET /apps/{app_id}/workflow-tool',
        'GET /builtin-tools',
        'GET /builtin-tools/categories',
        'GET /builtin-tools/{provider}/icon',
        'GET /builtin-tools/{provider}/tools/{tool}',
        'GET /oauth/{provider}',
        'GET /oauth/authorize/{provider}',
        'GET /account',
        'POST /account/name',
        'POST /account/avatar',
        'POST /account/password',
        'GET /apps',
        'POST /apps',
        'GET /apps/{app_id}',
        'POST /apps/imports',
        'GET /apps/{app_id}/export',
        'GET /apps/{app_id}/workflows/draft',
        'POST /apps/{app_id}/workflows/draft',
        'POST /apps/{app_id}/workflows/draft/run',
        'POST /apps/{app_id}/workflows/draft/nodes/{node_id}/run',
        'GET /apps/{app_id}/workflow-runs',
        'GET /apps/{app_id}/workflow-runs/{run_id}',
        'POST /apps/{app_id}/workflow-runs/tasks/{task_id}/stop',
        'POST /v1/workflows/run',
        'GET /v1/workflows/run/{workflow_run_id}',
        'POST /v1/workflows/tasks/{task_id}/stop',
        'GET /v1/workflows/logs',
        'POST /apps/{app_id}',
        'POST /apps/{app_id}/delete',
        'POST /apps/{app_id}/copy',
        'GET /apps/{app_id}/draft-app-config',
        'POST /apps/{app_id}/draft-app-config',
        'POST /apps/{app_id}/publish',
        'POST /apps/{app_id}/cancel-publish',
        'GET /apps/{app_id}/publish-histories',
        'POST /apps/{app_id}/fallback-history',
        'GET /llm-models',
        'GET /llm-models/{provider}/{model}',
        'POST /llm-models/{provider}/credentials',
        'POST /apps/{app_id}/conversations',
        'POST /apps/{app_id}/conversations/tasks/{task_id}/stop',
        'GET /apps/{app_id}/conversations/messages',
        'POST /apps/{app_id}/conversations/delete-debug-conversation',
        'GET /apps/{app_id}/summary',
        'POST /apps/{app_id}/summary',
        'GET /conversations/{conversation_id}/messages',
        'POST /conversations/{conversation_id}/delete',
        'POST /conversations/{conversation_id}/messages/{message_id}/delete',
        'GET /conversations/{conversation_id}/name',
        'POST /conversations/{conversation_id}/name',
        'POST /conversations/{conversation_id}/is-pinned',
        'POST /ai/suggested-questions',
        'POST /ai/optimize-prompt',
        'POST /upload-files/file',
        'POST /upload-files/image',
        'GET /files/{file_id}/image-preview',
        'POST /apps/{app_id}/api-keys',
        'GET /apps/{app_id}/api-keys',
        'POST /apps/{app_id}/api-keys/{key_id}',
        'POST /apps/{app_id}/api-keys/{key_id}/delete',
        'POST /v1/chat-messages',
        'POST /v1/chat-messages/{task_id}/stop',
        'GET /v1/messages',
        'POST /v1/messages/{message_id}/feedbacks',
        'GET /v1/messages/{message_id}/suggested',
        'GET /v1/conversations',
        'DELETE /v1/conversations/{conversation_id}',
        'POST /v1/conversations/{conversation_id}/name',
        'GET /v1/parameters',
        'GET /v1/info',
        'GET /v1/meta',
        'POST /v1/files/upload',
        'POST /v1/chat/completions',
        'GET /v1/models',
        'GET /analysis/{app_id}',
        'GET /apps/{app_id}/logs',
        'GET /web-apps/{token}',
        'POST /web-apps/{token}/chat',
        'POST /web-apps/{token}/chat/{task_id}/stop',
        'POST /web-apps/{token}/workflows/run',
        'POST /web-apps/{token}/workflows/tasks/{task_id}/stop',
        'GET /web-apps/{token}/conversations',
        'GET /web-apps/{token}/messages',
        'POST /web-apps/{token}/files/upload',
        'POST /apps/{app_id}/regenerate-web-app-token',
        'GET /apps/{app_id}/mcp-server',
        'POST /apps/{app_id}/mcp-server',
        'POST /apps/{app_id}/mcp-server/regenerate-token',
        'POST /mcp/{token}',
        'GET /mcp/{token}',
        'DELETE /mcp/{token}',
        'POST /datasets',
        'GET /datasets',
        'GET /datasets/{dataset_id}',
        'POST /datasets/{dataset_id}',
        'POST /datasets/{dataset_id}/delete',
        'POST /datasets/{dataset_id}/hit',
        'GET /datasets/{dataset_id}/queries',
        'POST /datasets/{dataset_id}/documents',
        'GET /datasets/{dataset_id}/documents',
        'GET /datasets/{dataset_id}/documents/batch/{batch}',
        'GET /datasets/{dataset_id}/documents/{document_id}',
        'POST /datasets/{dataset_id}/documents/{document_id}/name',
        'POST /datasets/{dataset_id}/documents/{document_id}/enabled',
        'POST /datasets/{dataset_id}/documents/{document_id}/delete',
        'GET /datasets/{dataset_id}/documents/{document_id}/segments',
        'POST /datasets/{dataset_id}/documents/{document_id}/segments',
        'GET /datasets/{dataset_id}/documents/{document_id}/segments/{segment_id}',
        'POST /datasets/{dataset_id}/documents/{document_id}/segments/{segment_id}',
        'POST /datasets/{dataset_id}/documents/{document_id}/segments/{segment_id}/enabled',
        'POST /datasets/{dataset_id}/documents/{document_id}/segments/{segment_id}/delete',
      ].sort(),
    );
    const create = doc.paths['/apps']!.post;
    expect(Object.keys(create.requestBody.content['application/json'].schema.properties)).toEqual(['name', 'icon', 'description', 'mode']);
    expect(create.responses['200'].content['application/json'].schema.properties.data.properties).toHaveProperty('status');
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/auth/register']!.post.security).toBeUndefined();
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await fetch(`${server.baseUrl}/docs/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger-ui');
  });
});

describe('HTTP server when its database fails', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db: 'pglite', redis: false });
  });
  afterAll(() => server?.close());

  it('answers 503 from /ping and 500 with a request id and no stack elsewhere', async () => {
    const { token } = await registerAccount(server);
    await server.module.database.close();
    const ping = await server.get('/ping');
    expect(ping.status).toBe(503);
    expect(ping.body).toMatchObject({ code: 'fail', message: 'database is not answering' });
    const res = await server.get('/apps', { token });
    expect(res.status).toBe(500);
    const requestId = res.headers.get('x-request-id');
    expect(res.body).toEqual({
      code: 'fail',
      message: `internal server error; quote request id ${requestId} when reporting it`,
      data: { request_id: requestId },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
  });
});
