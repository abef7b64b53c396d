import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvokeFrom, MessageStatus } from '../../../internal/entity/conversation-entity.js';
import type { Db } from '../../../internal/extension/database.js';
import { createLogger } from '../../../internal/extension/logger.js';
import { ChatMessageStore } from '../../../internal/service/chat/chat-message-store.js';
import type { RunContext } from '../../../internal/service/chat/chat-types.js';
import { registerAccount } from '../../helpers/accounts.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const usage = {
  prompt_tokens: 5,
  completion_tokens: 3,
  total_tokens: 8,
  totalPriceNumber: 0.001,
  currency: 'USD',
  latency: 0.4,
  time_to_first_token: 0.1,
} as never;

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`chat message writes on ${backendTitle(backend)}`, () => {
    let server: TestServer;
    let db: Db;
    let appId: string;
    let workspaceId: string;
    beforeAll(async () => {
      server = await startTestServer(backend);
      db = server.module.database.db;
      const { token } = await registerAccount(server);
      const app = await server.post('/apps', { token, body: { name: 'Store' } });
      appId = app.body.data.id;
      workspaceId = (await db.execute(sql`SELECT workspace_id FROM apps WHERE id = ${appId}`)).rows[0]!.workspace_id as string;
    });
    afterAll(() => server?.close());

    const context = (query: string, app = appId): RunContext =>
      ({
        workspaceId,
        fromAccountId: null,
        appId: app,
        conversationId: randomUUID(),
        isNewConversation: true,
        query,
        invokeFrom: InvokeFrom.ServiceApi,
        endUser: 'end-user',
        inputs: {},
        files: { rows: [], images: [] },
        resolved: { spec: { provider: 'openai_compatible', model: 'fake-chat' } },
      }) as unknown as RunContext;

    it("writes one turn's outcomes and new rows in one statement; a bad new row fails only itself", async () => {
      let warnings = '';
      const logger = createLogger(
        'warn',
        new Writable({
          write(chunk, _e, done) {
            warnings += chunk;
            done();
          },
        }),
      );
      let statements = 0;
      const counting = new Proxy(db, {
        get: (target, key) =>
          key === 'execute'
            ? (...args: Parameters<Db['execute']>) => {
                statements += 1;
                return target.execute(...args);
              }
            : Reflect.get(target, key),
      });
      const store = new ChatMessageStore(counting, logger);
      const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const written = store.insert(context('first'), a);
      expect(await written).toBe(true);
      expect(statements).toBe(1);

      // One turn: a's outcome with b's new rows.
      const outcome = { answer: 'the answer', status: MessageStatus.Normal, error: '', usage, resources: [] };
      const [, wroteB] = await Promise.all([store.finish(a, written, outcome), store.insert(context('second'), b)]);
      expect(wroteB).toBe(true);
      expect(statements).toBe(2);
      expect(warnings).toBe('');

      // Another: b's outcome, c's rows, and d's rows for an app that does not exist.
      const [, wroteC, wroteD] = await Promise.all([
        store.finish(b, Promise.resolve(true), { ...outcome, answer: 'second answer' }),
        store.insert(context('third'), c),
        store.insert(context('fourth', randomUUID()), d),
      ]);
      expect([wroteC, wroteD]).toEqual([true, false]);
      expect(warnings).toContain('writing them apart');

      const rows = await db.execute(
        sql`SELECT m.query, m.answer, m.status, m.total_tokens, c.id IS NOT NULL AS has_conversation
            FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id
            WHERE m.id IN (${a}, ${b}, ${c}, ${d}) ORDER BY m.query`,
      );
      expect(rows.rows).toEqual([
        { query: 'first', answer: 'the answer', status: 'normal', total_tokens: 8, has_conversation: true },
        { query: 'second', answer: 'second answer', status: 'normal', total_tokens: 8, has_conversation: true },
        { query: 'third', answer: '', status: 'running', total_tokens: 0, has_conversation: true },
      ]);
    });
  });
}
