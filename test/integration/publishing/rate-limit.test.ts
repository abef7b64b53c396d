import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp } from '../../helpers/chat-setup.js';
import { backends, backendTitle, TEST_REDIS_URL } from '../../helpers/environment.js';
import { HttpClient } from '../../helpers/http-client.js';
import { purgeRedisPrefix } from '../../helpers/redis-cleanup.js';
import { spawnServer, type ServerProcess } from '../../helpers/server-process.js';
import { createTestDatabase } from '../../helpers/test-database.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

async function call(server: TestServer, path: string, key: string) {
  const res = await fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

async function publishedAppKeys(server: HttpClient, upstream: FakeOpenAiServer, count: number) {
  const { token } = await registerAccount(server);
  await connectFakeModel(server, token, upstream);
  const appId = await createChatApp(server, token);
  await server.post(`/apps/${appId}/publish`, { token });
  const keys: Array<{ id: string; key: string }> = [];
  for (let i = 0; i < count; i++) keys.push((await server.post(`/apps/${appId}/api-keys`, { token, body: {} })).body.data);
  return { token, appId, keys };
}

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`rate limits per app key on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, { rateLimitApiKeyPerMinute: 3 });
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it("answers 429 in the caller's format once a key is over its limit; other keys are counted apart", async () => {
      const { keys } = await publishedAppKeys(server, upstream, 2);
      for (let i = 0; i < 3; i++) expect((await call(server, '/v1/meta', keys[0]!.key)).status).toBe(200);
      const dify = await call(server, '/v1/meta', keys[0]!.key);
      expect(dify.status).toBe(429);
      expect(dify.body).toEqual({
        code: 'too_many_requests',
        message: 'Rate limit exceeded: at most 3 requests per minute for this key.',
        status: 429,
      });
      expect(Number(dify.retryAfter)).toBeGreaterThan(0);
      const openai = await call(server, '/v1/models', keys[0]!.key);
      expect(openai.status).toBe(429);
      expect(openai.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
      expect((await call(server, '/v1/meta', keys[1]!.key)).status).toBe(200);
    });
  });
}

const scaleOut = backends.find((b) => b.redis)!;

describe.skipIf(scaleOut.skipReason)(`two API nodes sharing PostgreSQL and Redis (${backendTitle(scaleOut)})`, () => {
  let upstream: FakeOpenAiServer;
  let nodeA: TestServer;
  let nodeB: TestServer;
  beforeAll(async () => {
    upstream = await new FakeOpenAiServer().start();
    nodeA = await startTestServer(scaleOut, { rateLimitApiKeyPerMinute: 4 });
    nodeB = await startTestServer(scaleOut, { rateLimitApiKeyPerMinute: 4 }, nodeA);
  });
  afterAll(async () => {
    await nodeB?.close();
    await nodeA?.close();
    await upstream?.close();
  });

  it('a key limit holds across nodes', async () => {
    const { keys } = await publishedAppKeys(nodeA, upstream, 1);
    const key = keys[0]!.key;
    expect((await call(nodeA, '/v1/meta', key)).status).toBe(200);
    expect((await call(nodeB, '/v1/meta', key)).status).toBe(200);
    expect((await call(nodeA, '/v1/meta', key)).status).toBe(200);
    expect((await call(nodeB, '/v1/meta', key)).status).toBe(200);
    expect((await call(nodeA, '/v1/meta', key)).status).toBe(429);
    expect((await call(nodeB, '/v1/meta', key)).status).toBe(429);
  });

  it('a key made inactive on one node is refused by the other at once', async () => {
    const { token, appId, keys } = await publishedAppKeys(nodeA, upstream, 1);
    expect((await call(nodeB, '/v1/info', keys[0]!.key)).status).toBe(200);
    await nodeA.post(`/apps/${appId}/api-keys/${keys[0]!.id}`, { token, body: { is_active: false } });
    expect((await call(nodeB, '/v1/info', keys[0]!.key)).body).toEqual({
      code: 'unauthorized',
      message: 'Access token is invalid',
      status: 401,
    });
  });
});

describe.skipIf(scaleOut.skipReason)(`two server processes sharing PostgreSQL and Redis (${backendTitle(scaleOut)})`, () => {
  let upstream: FakeOpenAiServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let storageDir: string;
  let processes: ServerProcess[] = [];
  const prefix = `llmops-test-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    upstream = await new FakeOpenAiServer().start();
    database = await createTestDatabase();
    storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-two-nodes-'));
    const env = {
      STORAGE_DIR: storageDir,
      SECRET_KEY: 'two-nodes-secret-key-0123456789abcdefgh',
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      RATE_LIMIT_API_KEY_PER_MINUTE: '4',
    };
    processes = [await spawnServer(env), await spawnServer(env)];
  });
  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    await upstream?.close();
    await database?.drop();
    await purgeRedisPrefix(prefix);
    await rm(storageDir, { recursive: true, force: true });
  });

  it('share one limit per key and refuse a deactivated key at once', async () => {
    const [a, b] = processes.map((p) => new HttpClient(p.baseUrl)) as [HttpClient, HttpClient];
    const { token, appId, keys } = await publishedAppKeys(a, upstream, 2);
    const get = async (client: HttpClient, key: string) =>
      (await fetch(`${client.baseUrl}/v1/meta`, { headers: { authorization: `Bearer ${key}` } })).status;
    expect([await get(a, keys[0]!.key), await get(b, keys[0]!.key), await get(a, keys[0]!.key), await get(b, keys[0]!.key)]).toEqual([
      200, 200, 200, 200,
    ]);
    expect([await get(a, keys[0]!.key), await get(b, keys[0]!.key)]).toEqual([429, 429]);

    expect(await get(b, keys[1]!.key)).toBe(200);
    await a.post(`/apps/${appId}/api-keys/${keys[1]!.id}`, { token, body: { is_active: false } });
    expect(await get(b, keys[1]!.key)).toBe(401);
  });
});
