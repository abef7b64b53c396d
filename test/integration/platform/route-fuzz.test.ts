import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { fuzzedParameter, fuzzedValue, nastyValue, type JsonSchema, type Pools } from '../../fuzz/schema-arbitrary.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp, debugChat } from '../../helpers/chat-setup.js';
import { uploadDocument } from '../../helpers/knowledge-setup.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

/**
 * Every route of /openapi.json, fed what its schemas allow and what they do not: wrong types,
 * missing and extra fields, huge and odd strings, bad ids, odd pagination, malformed and
 * oversized bodies, wrong content types, with and without valid credentials. No answer may be a
 * 5xx, every refusal is an envelope with a message, and no refused request may write a row.
 */
const TOTAL_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
/** A new seed each run finds new cases; a failure names its seed, and FUZZ_SEED replays it. */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

interface Operation {
  method: string;
  path: string;
  parameters: Array<{ in: 'path' | 'query'; name: string; required?: boolean; schema: JsonSchema }>;
  body: JsonSchema | undefined;
}

interface FuzzRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Tables whose rows a refused request writes on purpose: failed logins count toward the lock-out. */
const WRITES_ON_REFUSAL = new Set(['login_attempts']);

describe('schema-driven fuzz of every route', () => {
  let server: TestServer;
  let upstream: FakeOpenAiServer;
  let operations: Operation[];
  const credentials: Record<'console' | 'other' | 'appKey', string> = { console: '', other: '', appKey: '' };
  const pools: Pools = { uuids: [] };
  const named: Record<string, string[]> = {};

  beforeAll(async () => {
    upstream = await new FakeOpenAiServer().start();
    // No background jobs: the write counter must see only what each request itself writes.
    server = await startTestServer(
      { db: 'pglite', redis: false },
      { rateLimitApiKeyPerMinute: 1_000_000, rateLimitWebAppVisitorPerMinute: 1_000_000, runWorker: false },
    );
    const spec = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
    operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      })),
    );

    // A account with one of everything, so valid ids reach past the lookups; another account to be refused.
    const { token } = await registerAccount(server);
    credentials.console = token;
    credentials.other = (await registerAccount(server)).token;
    await connectFakeModel(server, token, upstream);
    const appId = await createChatApp(server, token);
    await debugChat(server, token, appId, 'hello');
    await server.post(`/apps/${appId}/publish`, { token });
    const key = await server.post(`/apps/${appId}/api-keys`, { token, body: { remark: 'fuzz' } });
    credentials.appKey = key.body.data.key;
    const chat = await fetch(`${server.baseUrl}/v1/chat-messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credentials.appKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'hi', user: 'fuzz-user', inputs: {}, response_mode: 'blocking' }),
    });
    const answered = (await chat.json()) as { conversation_id: string; message_id: string };
    const dataset = await server.post('/datasets', { token, body: { name: 'Fuzz', indexing_technique: 'economy' } });
    const fileId = await uploadDocument(server, token, 'faq.md');
    const documents = await server.post(`/datasets/${dataset.body.data.id}/documents`, { token, body: { upload_file_ids: [fileId] } });
    const app = await server.get(`/apps/${appId}`, { token });
    Object.assign(named, {
      app_id: [appId],
      conversation_id: [answered.conversation_id],
      message_id: [answered.message_id],
      task_id: [answered.message_id],
      dataset_id: [dataset.body.data.id],
      document_id: [documents.body.data.documents[0].id],
      batch: [documents.body.data.batch],
      key_id: [key.body.data.id],
      file_id: [fileId],
      token: [app.body.data.web_app_token],
      provider: ['openai_compatible', 'openai'],
      model: ['fake-chat'],
    });
    pools.uuids = Object.values(named)
      .flat()
      .filter((v) => /^[0-9a-f-]{36}$/.test(v));

    // Count committed row writes in every table, to prove a refused request wrote nothing.
    const { db } = server.module.database;
    await db.execute(sql`CREATE TABLE fuzz_writes (n bigint NOT NULL)`);
    await db.execute(sql`INSERT INTO fuzz_writes VALUES (0)`);
    await db.execute(
      sql`CREATE FUNCTION fuzz_count_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE fuzz_writes SET n = n + 1; RETURN NULL; END $$`,
    );
    const tables = await db.execute(sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'fuzz_writes'`);
    for (const { tablename } of tables.rows as Array<{ tablename: string }>) {
      if (WRITES_ON_REFUSAL.has(tablename)) continue;
      // A key's "last used" is stamped whenever the key authenticates, even for a request refused later: that is its meaning.
      const update = tablename === 'app_api_keys' ? 'UPDATE OF app_id, workspace_id, key_hash, key_hint, remark, is_active' : 'UPDATE';
      await db.execute(
        sql.raw(
          `CREATE TRIGGER fuzz_count AFTER INSERT OR ${update} OR DELETE ON "${tablename}" FOR EACH ROW EXECUTE FUNCTION fuzz_count_write()`,
        ),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await upstream?.close();
  });

  async function writes(): Promise<number> {
    const { rows } = await server.module.database.db.execute(sql`SELECT n FROM fuzz_writes`);
    return Number(rows[0]!.n);
  }

  function requestFor(op: Operation): fc.Arbitrary<FuzzRequest> {
    const isServiceApi = op.path.startsWith('/v1/');
    const auth = fc.constantFrom<'valid' | 'none' | 'garbage' | 'other'>('valid', 'valid', 'valid', 'none', 'garbage', 'other');
    const pathParams = fc.record(
      Object.fromEntries(
        op.parameters
          .filter((p) => p.in === 'path')
          .map((p) => [p.name, fc.oneof(fc.constantFrom(...(named[p.name] ?? ['x'])), fuzzedParameter(p.schema, pools, p.name))]),
      ),
    );
    const query = fc.record(
      Object.fromEntries(
        op.parameters
          .filter((p) => p.in === 'query')
          .map((p) => [p.name, p.name === 'user' ? fc.constantFrom('fuzz-user', '') : fuzzedParameter(p.schema, pools, p.name)]),
      ),
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      {
        weight: 8,
        arbitrary: (op.body ? fuzzedValue(op.body, pools) : nastyValue).map((v) => ({ type: 'json', text: JSON.stringify(v) ?? 'null' })),
      },
      { weight: 1, arbitrary: fc.constantFrom('{"a":', '{', 'null', '[]', '"str"', '', '\u0000').map((text) => ({ type: 'json', text })) },
      { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((text) => ({ type: 'text/plain', text })) },
      { weight: 1, arbitrary: fc.constant({ type: 'application/x-www-form-urlencoded', text: 'a=1&b=2' }) },
      { weight: 1, arbitrary: fc.constant({ type: 'multipart/form-data', text: '--x\r\n' }) },
      { weight: 1, arbitrary: fc.constant({ type: 'json', text: JSON.stringify({ pad: 'x'.repeat(1_100_000) }) }) },
    );
    return fc.record({ auth, pathParams, query, body }).map(({ auth, pathParams, query, body }) => {
      const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeSegment(String(pathParams[name] ?? 'x')));
      const search = new URLSearchParams(query as Record<string, string>).toString();
      const headers: Record<string, string> = {};
      const valid = isServiceApi ? credentials.appKey : credentials.console;
      if (auth === 'valid') headers.authorization = `Bearer ${valid}`;
      else if (auth === 'garbage') headers.authorization = 'Bearer app-garbage.not.a.token';
      else if (auth === 'other') headers.authorization = `Bearer ${isServiceApi ? credentials.console : credentials.other}`;
      const sendsBody = op.method !== 'GET';
      if (sendsBody) headers['content-type'] = body.type === 'json' ? 'application/json' : body.type;
      return {
        method: op.method,
        url: `${server.baseUrl}${path}${search ? `?${search}` : ''}`,
        headers,
        body: sendsBody ? body.text : undefined,
      };
    });
  }

  it(`answers ${TOTAL_REQUESTS} fuzzed requests over every route without a 5xx, each refusal in the envelope and with nothing written`, async () => {
    expect(operations.length).toBeGreaterThan(50);
    // Logout, deletions and moving to another workspace last, so the rest keep reaching real resources.
    const last = (op: Operation) =>
      /logout|delete|password|regenerate|switch|transfer-ownership/.test(op.path) ||
      op.method === 'DELETE' ||
      (op.method === 'POST' && op.path === '/workspaces');
    const order = (op: Operation) => (last(op) ? 1 : 0);
    const sorted = [...operations].sort((a, b) => order(a) - order(b));
    const runs = Math.ceil(TOTAL_REQUESTS / sorted.length);
    const problems: string[] = [];
    let sent = 0;
    for (const op of sorted) {
      await fc.assert(
        fc.asyncProperty(requestFor(op), async (request) => {
          sent += 1;
          const before = await writes();
          const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
          const text = await res.text();
          const after = await writes();
          const where = `${request.method} ${op.path} -> ${res.status} (${request.url.slice(0, 200)}; body ${String(request.body).slice(0, 200)})`;
          if (res.status >= 500) problems.push(`${where}: ${text.slice(0, 300)}`);
          if (res.status >= 400) {
            if (after !== before) problems.push(`${where}: refused, yet wrote ${after - before} row(s)`);
            // 431 comes from Node's HTTP parser (headers too large), before any code of ours runs.
            if (res.status !== 431 && !hasMessage(op.path, text))
              problems.push(`${where}: refusal without its envelope: ${text.slice(0, 300)}`);
          }
          return true;
        }),
        { numRuns: runs, seed: SEED },
      );
      if (problems.length > 20) break;
    }
    expect(problems.slice(0, 20), `after ${sent} requests; replay with FUZZ_SEED=${SEED}`).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(TOTAL_REQUESTS);
  }, 900_000);
});

/** A path segment, percent-encoded; a lone surrogate goes out as the bytes of invalid UTF-8 it would be. */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return Array.from(value, (char) => (/[\ud800-\udfff]/.test(char) ? '%ED%A0%80' : encodeURIComponent(char))).join('');
  }
}

/** The refusal shape of the route's family: our envelope, Dify's error, OpenAI's error, or JSON-RPC's (MCP). */
function hasMessage(path: string, text: string): boolean {
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return false;
  }
  if (path.startsWith('/mcp/')) return body?.jsonrpc === '2.0' && typeof body?.error?.message === 'string' && body.error.message !== '';
  if (path === '/v1/chat/completions' || path === '/v1/models')
    return typeof body?.error?.message === 'string' && body.error.message !== '';
  if (path.startsWith('/v1/'))
    return typeof body?.code === 'string' && typeof body?.message === 'string' && body.message !== '' && typeof body?.status === 'number';
  return typeof body?.code === 'string' && typeof body?.message === 'string' && body.message !== '' && 'data' in body;
}
