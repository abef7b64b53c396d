import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp, debugChat } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const DAY = 86_400_000;
const dayOf = (offsetDays: number) => new Date(Date.now() - offsetDays * DAY).toISOString().slice(0, 10);

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`analytics and logs on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;
    let appId: string;
    let ask: (query: string, user: string, conversation_id?: string) => Promise<{ conversation_id: string }>;
    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend);
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream);
      appId = await createChatApp(server, token);
      await server.post(`/apps/${appId}/publish`, { token });
      const key = (await server.post(`/apps/${appId}/api-keys`, { token, body: {} })).body.data.key;
      ask = async (query, user, conversation_id) => {
        const res = await fetch(`${server.baseUrl}/v1/chat-messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query, user, response_mode: 'blocking', conversation_id, auto_generate_name: false }),
        });
        return (await res.json()) as { conversation_id: string };
      };
      const first = await ask('alice one', 'alice');
      await ask('alice two', 'alice', first.conversation_id);
      await ask('bob one', 'bob');
      await debugChat(server, token, appId, 'author one');
      // Two answers of the week before: one user, one conversation.
      const old = await ask('old one', 'carol');
      await ask('old two', 'carol', old.conversation_id);
      await server.module.database.db.execute(
        sql`UPDATE messages SET created_at = now() - interval '9 days' WHERE conversation_id = ${old.conversation_id}`,
      );
      await server.module.database.db.execute(
        sql`UPDATE conversations SET created_at = now() - interval '9 days' WHERE id = ${old.conversation_id}`,
      );
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it('counts the last 7 days against the 7 before, with a trend per day, in SQL', async () => {
      const res = await server.get(`/analysis/${appId}`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const a = res.body.data;
      expect(a.total_messages).toMatchObject({ current: 4, previous: 2 });
      expect(a.total_messages.trend).toHaveLength(7);
      expect(a.total_messages.trend.at(-1)).toEqual({ date: dayOf(0), value: 4 });
      expect(a.total_messages.trend[0].date).toBe(dayOf(6));
      // alice, bob and the author (debugger); carol only in the week before.
      expect(a.active_end_users).toMatchObject({ current: 3, previous: 1 });
      // 4 messages in 3 conversations now; 2 in 1 before.
      expect(a.average_messages_per_conversation.current).toBeCloseTo(4 / 3, 5);
      expect(a.average_messages_per_conversation.previous).toBe(2);
      expect(a.output_tokens_per_second.current).toBeGreaterThan(0);
      expect(a.cost).toMatchObject({ current: 0, previous: 0 });
    });

    it('gives the same figures once messages are rolled up per day, and adds the messages after the watermark live', async () => {
      const before = (await server.get(`/analysis/${appId}`, { token })).body.data;
      const rollup = server.module.services.analyticsRollup;
      // A delay of 0 rolls up everything before the current minute: the backdated week-before messages at least.
      // Two runs at once (two workers): the watermark row lock lets each message be counted by one of them only.
      const [first, second] = await Promise.all([rollup.rollUp(0), rollup.rollUp(0)]);
      expect(first.messages + second.messages).toBeGreaterThanOrEqual(2);
      expect(first.rolledUntil.getTime()).toBeLessThanOrEqual(Date.now());
      const db = server.module.database.db;
      const { rows } = await db.execute(
        sql`SELECT to_char(day, 'YYYY-MM-DD') AS day, messages, conversations FROM app_daily_stats WHERE app_id = ${appId} ORDER BY day`,
      );
      expect(rows[0]).toEqual({ day: dayOf(9), messages: 2, conversations: 1 });
      const users = await db.execute(sql`SELECT user_key FROM app_daily_end_users WHERE app_id = ${appId} AND day = ${dayOf(9)}::date`);
      expect(users.rows).toEqual([{ user_key: 'carol' }]);
      expect((await server.get(`/analysis/${appId}`, { token })).body.data).toEqual(before);
      // Running again adds nothing: the watermark moved with the sums.
      expect((await rollup.rollUp(0)).messages).toBe(0);
      expect((await server.get(`/analysis/${appId}`, { token })).body.data).toEqual(before);

      // New messages after the watermark: dave (new) and carol again (already counted in the week before, new this week).
      await ask('dave one', 'dave');
      await ask('carol again', 'carol');
      const after = (await server.get(`/analysis/${appId}`, { token })).body.data;
      expect(after.total_messages).toMatchObject({ current: 6, previous: 2 });
      expect(after.total_messages.trend.at(-1)).toEqual({ date: dayOf(0), value: 6 });
      expect(after.active_end_users).toMatchObject({ current: 5, previous: 1 });
      expect(after.average_messages_per_conversation.current).toBeCloseTo(6 / 5, 5);
    });

    it('lists conversations from every source, filtered by source and date', async () => {
      const all = await server.get(`/apps/${appId}/logs`, { token });
      expect(all.body.data.paginator.total_record).toBe(6);
      const service = await server.get(`/apps/${appId}/logs?invoke_from=service_api`, { token });
      expect(service.body.data.list.map((l: { end_user: string }) => l.end_user).sort()).toEqual([
        'alice',
        'bob',
        'carol',
        'carol',
        'dave',
      ]);
      const alice = service.body.data.list.find((l: { end_user: string }) => l.end_user === 'alice');
      expect(alice.message_count).toBe(2);
      const debug = await server.get(`/apps/${appId}/logs?invoke_from=debugger`, { token });
      expect(debug.body.data.list).toHaveLength(1);
      const recent = await server.get(`/apps/${appId}/logs?start=${Math.floor((Date.now() - 3 * DAY) / 1000)}`, { token });
      expect(recent.body.data.list.map((l: { end_user: string }) => l.end_user).sort()).toEqual(['', 'alice', 'bob', 'carol', 'dave']);
      const bad = await server.get(`/apps/${appId}/logs?start=200&end=100`, { token });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toBe('end: must be after start');
      const other = (await registerAccount(server)).token;
      expect((await server.get(`/analysis/${appId}`, { token: other })).status).toBe(404);
      expect((await server.get(`/apps/${appId}/logs`, { token: other })).status).toBe(404);
    });
  });
}
