import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../internal/extension/database.js';
import { createLogger } from '../../../internal/extension/logger.js';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { PASSWORD, registerAccount } from '../../helpers/accounts.js';
import { createChatApp, debugChat } from '../../helpers/chat-setup.js';
import { backends } from '../../helpers/environment.js';
import { HttpClient } from '../../helpers/http-client.js';
import { connectFakeModels, uploadDocument, waitForBatch } from '../../helpers/knowledge-setup.js';
import { spawnServer } from '../../helpers/server-process.js';
import { createTestDatabase } from '../../helpers/test-database.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The last commit before workspaces: its server fills the database the migration then moves. */
const BEFORE_WORKSPACES = '3680099c504c74206c468a1b4c7330f7a3325632';
const run = promisify(execFile);
const hasOldRelease = await run('git', ['-C', ROOT, 'cat-file', '-e', `${BEFORE_WORKSPACES}^{commit}`]).then(
  () => true,
  () => false,
);
const SECRET_KEY = 'migration-test-secret-key-0123456789abcdef';

/** Rows per table, to show the migration lost none. */
async function rowCounts(target: { databaseUrl: string; storageDir: string }): Promise<Record<string, number>> {
  const database = await openDatabase({ ...target, poolSize: 1, logger: createLogger('silent'), migrate: false });
  try {
    const tables = await database.db.execute(sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    const counts: Record<string, number> = {};
    for (const { tablename } of tables.rows as Array<{ tablename: string }>) {
      const { rows } = await database.db.execute(sql.raw(`SELECT count(*)::int AS n FROM "${tablename}"`));
      counts[tablename] = (rows[0] as { n: number }).n;
    }
    return counts;
  } finally {
    await database.close();
  }
}

describe.skipIf(!hasOldRelease)(
  `data made before workspaces moves into personal workspaces${hasOldRelease ? '' : ` (skipped: commit ${BEFORE_WORKSPACES} is not in this clone's history)`}`,
  () => {
    let oldRoot: string;
    let upstream: FakeOpenAiServer;
    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      // The release before workspaces, built as `npm start` builds it, with this checkout's packages.
      oldRoot = await mkdtemp(path.join(tmpdir(), 'llmops-before-workspaces-'));
      await run('sh', ['-c', `git -C "${ROOT}" archive ${BEFORE_WORKSPACES} | tar -x -C "${oldRoot}"`]);
      await symlink(path.join(ROOT, 'node_modules'), path.join(oldRoot, 'node_modules'), 'dir');
      await run(process.execPath, ['scripts/build.mjs'], { cwd: oldRoot });
    }, 120_000);
    afterAll(async () => {
      await upstream?.close();
      if (oldRoot) await rm(oldRoot, { recursive: true, force: true });
    });

    // The database is what migrates; these servers use the in-process queue on both.
    for (const backend of backends) {
      const where = backend.db === 'postgres' ? 'PostgreSQL' : 'PGlite';
      it.skipIf(backend.skipReason)(
        `on ${where}${backend.skipReason ? ` (skipped: ${backend.skipReason})` : ''}: nothing is lost and everything answers as before`,
        async () => {
          const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-migrate-data-'));
          const database = backend.db === 'postgres' ? await createTestDatabase() : undefined;
          const target = { databaseUrl: database?.url ?? '', storageDir };
          const env = { STORAGE_DIR: storageDir, DATABASE_URL: target.databaseUrl, SECRET_KEY };
          try {
            // Before: two accounts fill the database through the old API.
            const old = await spawnServer(env, [], oldRoot);
            let ada: { email: string; appId: string; datasetId: string; key: string; conversationId: string };
            let bobApp: string;
            try {
              const client = new HttpClient(old.baseUrl);
              const { email, token } = await registerAccount(client, 'Ada');
              await connectFakeModels(client, token, upstream);
              const appId = await createChatApp(client, token);
              await debugChat(client, token, appId, 'debugged before the move');
              expect((await client.post(`/apps/${appId}/publish`, { token })).status).toBe(200);
              const key = (await client.post(`/apps/${appId}/api-keys`, { token, body: { remark: 'kept' } })).body.data.key as string;
              const answer = await fetch(`${old.baseUrl}/v1/chat-messages`, {
                method: 'POST',
                headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
                body: JSON.stringify({ query: 'asked before the move', user: 'visitor', inputs: {}, response_mode: 'blocking' }),
              });
              const conversationId = ((await answer.json()) as any).conversation_id as string;
              const dataset = await client.post('/datasets', {
                token,
                // Economy (keyword) indexing: the PostgreSQL here has no pgvector.
                body: { name: 'Handbook', indexing_technique: 'economy' },
              });
              const datasetId = dataset.body.data.id as string;
              const fileId = await uploadDocument(client, token, 'faq.md');
              const docs = await client.post(`/datasets/${datasetId}/documents`, { token, body: { upload_file_ids: [fileId] } });
              expect((await waitForBatch(client, token, datasetId, docs.body.data.batch)).map((d) => d.status)).toEqual(['completed']);
              expect(
                (await client.post(`/datasets/${datasetId}/hit`, { token, body: { query: 'hours', retrieval_strategy: 'full_text' } }))
                  .status,
              ).toBe(200);
              ada = { email, appId, datasetId, key, conversationId };
              const bob = await registerAccount(client, 'Bob');
              bobApp = (await client.post('/apps', { token: bob.token, body: { name: "Bob's app" } })).body.data.id;
            } finally {
              expect(await old.stop()).toBe(0);
            }
            const before = await rowCounts(target);

            // After: the new server migrates at start-up.
            const next = await spawnServer(env);
            try {
              const client = new HttpClient(next.baseUrl);
              const login = await client.post('/auth/password-login', { body: { email: ada.email, password: PASSWORD } });
              const token = login.body.data.access_token as string;
              expect((await client.get('/workspaces', { token })).body.data).toEqual([
                { id: expect.any(String), name: "Ada's Workspace", role: 'owner', current: true, created_at: expect.any(Number) },
              ]);
              expect((await client.get('/apps', { token })).body.data.list.map((a: any) => a.id)).toEqual([ada.appId]);
              expect((await client.get(`/apps/${bobApp}`, { token })).status).toBe(404);
              const debug = await client.get(`/apps/${ada.appId}/conversations/messages`, { token });
              expect(debug.body.data.list.map((m: any) => m.query)).toEqual(['debugged before the move']);
              // The key, the conversation and the model credentials carry on.
              const again = await fetch(`${next.baseUrl}/v1/chat-messages`, {
                method: 'POST',
                headers: { authorization: `Bearer ${ada.key}`, 'content-type': 'application/json' },
                body: JSON.stringify({
                  query: 'asked after the move',
                  user: 'visitor',
                  inputs: {},
                  response_mode: 'blocking',
                  conversation_id: ada.conversationId,
                }),
              });
              expect(again.status).toBe(200);
              expect(JSON.stringify(upstream.findChat('asked after the move')!.body.messages)).toContain('asked before the move');
              const hit = await client.post(`/datasets/${ada.datasetId}/hit`, {
                token,
                body: { query: 'opening hours', retrieval_strategy: 'full_text' },
              });
              expect(hit.status, JSON.stringify(hit.body)).toBe(200);
              expect(hit.body.data.records.length).toBeGreaterThan(0);
              const stats = await client.get(`/analysis/${ada.appId}`, { token });
              expect(stats.status).toBe(200);
            } finally {
              expect(await next.stop()).toBe(0);
            }

            const after = await rowCounts(target);
            for (const [table, count] of Object.entries(before)) {
              // The chat and the search after the move added their own rows; every other table holds what it held.
              if (
                [
                  'messages',
                  'conversations',
                  'dataset_queries',
                  'app_daily_stats',
                  'app_daily_end_users',
                  'analytics_rollup_state',
                ].includes(table)
              ) {
                expect(after[table], table).toBeGreaterThanOrEqual(count);
              } else {
                expect(after[table], table).toBe(count);
              }
            }
            expect(after.workspaces).toBe(before.accounts);
            expect(after.workspace_members).toBe(before.accounts);
          } finally {
            await database?.drop();
            await rm(storageDir, { recursive: true, force: true });
          }
        },
        180_000,
      );
    }
  },
);
