import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp, debugChat } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`conversations on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;
    let stranger: string;
    let appId: string;
    let conversationId: string;
    let messageIds: string[];

    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend);
      token = (await registerAccount(server)).token;
      stranger = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream);
      appId = await createChatApp(server, token);
      messageIds = [];
      for (const query of ['first question', 'second question', 'third question']) {
        const events = await debugChat(server, token, appId, query);
        messageIds.push(events[0]!.data.message_id as string);
        conversationId = events[0]!.data.conversation_id as string;
      }
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it('lists a conversation page by page, newest first, with the stored answer and usage', async () => {
      const first = await server.get(`/conversations/${conversationId}/messages?limit=2`, { token });
      expect(first.status).toBe(200);
      expect(first.body.data.list.map((m: { id: string }) => m.id)).toEqual([messageIds[2], messageIds[1]]);
      expect(first.body.data.list[0]).toMatchObject({
        query: 'third question',
        answer: 'Echo: third question',
        status: 'normal',
        provider: 'openai_compatible',
        model: 'fake-chat',
      });
      expect(first.body.data.list[0].total_tokens).toBeGreaterThan(0);
      const second = await server.get(`/conversations/${conversationId}/messages?limit=2&created_at=${first.body.data.next_created_at}`, {
        token,
      });
      expect(second.body.data.list.map((m: { id: string }) => m.id)).toEqual([messageIds[0]]);
      expect(second.body.data.has_more).toBe(false);
    });

    it('never ends a page inside a millisecond the cursor cannot split', async () => {
      const tiedApp = await createChatApp(server, token);
      const ids: string[] = [];
      let tiedConversation = '';
      for (const query of ['zero', 'one', 'two', 'three']) {
        const events = await debugChat(server, token, tiedApp, query);
        ids.push(events[0]!.data.message_id as string);
        tiedConversation = events[0]!.data.conversation_id as string;
      }
      // Three messages stored in the same millisecond, one before them.
      await server.module.database.db.execute(
        sql`UPDATE messages SET created_at = CASE WHEN id = ${ids[0]} THEN '2026-01-01T00:00:00.000Z'::timestamptz
          ELSE '2026-01-01T00:00:01.000Z'::timestamptz END WHERE conversation_id = ${tiedConversation}`,
      );
      const first = await server.get(`/conversations/${tiedConversation}/messages?limit=2`, { token });
      expect(first.body.data.list.map((m: { id: string }) => m.id).sort()).toEqual(ids.slice(1).sort());
      expect(first.body.data.has_more).toBe(true);
      const second = await server.get(`/conversations/${tiedConversation}/messages?limit=2&created_at=${first.body.data.next_created_at}`, {
        token,
      });
      expect(second.body.data.list.map((m: { id: string }) => m.id)).toEqual([ids[0]]);
      expect(second.body.data.has_more).toBe(false);
    });

    it('renames, reads the name back, and pins', async () => {
      const renamed = await server.post(`/conversations/${conversationId}/name`, { token, body: { name: '  Trip planning  ' } });
      expect(renamed.status).toBe(200);
      expect(renamed.body.data.name).toBe('Trip planning');
      expect((await server.get(`/conversations/${conversationId}/name`, { token })).body.data).toEqual({ name: 'Trip planning' });
      const pinned = await server.post(`/conversations/${conversationId}/is-pinned`, { token, body: { is_pinned: true } });
      expect(pinned.status).toBe(200);
      expect(pinned.body.data).toMatchObject({ id: conversationId, is_pinned: true, invoke_from: 'debugger', name: 'Trip planning' });
    });

    it('rejects bad input with the field named and changes nothing', async () => {
      const empty = await server.post(`/conversations/${conversationId}/name`, { token, body: { name: '   ' } });
      expect(empty.status).toBe(400);
      expect(empty.body.message).toBe('name: must not be empty');
      const long = await server.post(`/conversations/${conversationId}/name`, { token, body: { name: 'x'.repeat(300) } });
      expect(long.status).toBe(400);
      expect(long.body.message).toMatch(/^name: /);
      const pin = await server.post(`/conversations/${conversationId}/is-pinned`, { token, body: { is_pinned: 'yes' } });
      expect(pin.status).toBe(400);
      expect(pin.body.message).toMatch(/^is_pinned: /);
      const badId = await server.get('/conversations/not-a-uuid/messages', { token });
      expect(badId.status).toBe(400);
      expect(badId.body.message).toMatch(/^conversation_id: must be a UUID/);
      const badLimit = await server.get(`/conversations/${conversationId}/messages?limit=0`, { token });
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.message).toMatch(/^limit: /);
      expect((await server.get(`/conversations/${conversationId}/name`, { token })).body.data.name).toBe('Trip planning');
    });

    it("another account's conversation and app answer not found on every route", async () => {
      const calls = [
        server.get(`/conversations/${conversationId}/messages`, { token: stranger }),
        server.post(`/conversations/${conversationId}/delete`, { token: stranger }),
        server.post(`/conversations/${conversationId}/messages/${messageIds[0]}/delete`, { token: stranger }),
        server.get(`/conversations/${conversationId}/name`, { token: stranger }),
        server.post(`/conversations/${conversationId}/name`, { token: stranger, body: { name: 'mine now' } }),
        server.post(`/conversations/${conversationId}/is-pinned`, { token: stranger, body: { is_pinned: false } }),
        server.get(`/apps/${appId}/conversations/messages`, { token: stranger }),
        server.post(`/apps/${appId}/conversations/delete-debug-conversation`, { token: stranger }),
        server.get(`/apps/${appId}/summary`, { token: stranger }),
        server.post(`/apps/${appId}/summary`, { token: stranger, body: { summary: 'mine' } }),
        server.post(`/apps/${appId}/conversations`, { token: stranger, body: { query: 'hello' } }),
        server.post('/ai/suggested-questions', { token: stranger, body: { message_id: messageIds[0] } }),
        server.get(`/conversations/${MISSING}/messages`, { token }),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status, JSON.stringify(res.body)).toBe(404);
        expect(res.body.code).toBe('not_found');
      }
      const mine = await server.get(`/conversations/${conversationId}/messages`, { token });
      expect(mine.body.data.list).toHaveLength(3);
      expect((await server.get(`/conversations/${conversationId}/name`, { token })).body.data.name).toBe('Trip planning');
    });

    it('the author reads and corrects the long-term summary of the debug conversation', async () => {
      expect((await server.get(`/apps/${appId}/summary`, { token })).body.data).toEqual({ summary: '' });
      const set = await server.post(`/apps/${appId}/summary`, { token, body: { summary: 'The user plans a trip to Lisbon.' } });
      expect(set.status).toBe(200);
      expect(set.body.data.summary).toBe('The user plans a trip to Lisbon.');
      expect((await server.get(`/apps/${appId}/summary`, { token })).body.data.summary).toBe('The user plans a trip to Lisbon.');
    });

    it('deletes one message: it leaves the list and the memory sent to the model', async () => {
      const res = await server.post(`/conversations/${conversationId}/messages/${messageIds[1]}/delete`, { token });
      expect(res.status).toBe(200);
      const again = await server.post(`/conversations/${conversationId}/messages/${messageIds[1]}/delete`, { token });
      expect(again.status).toBe(404);
      const list = await server.get(`/conversations/${conversationId}/messages`, { token });
      expect(list.body.data.list.map((m: { id: string }) => m.id)).toEqual([messageIds[2], messageIds[0]]);

      await debugChat(server, token, appId, 'fourth question');
      const sent = upstream.findChat('fourth question')!.body.messages.map((m: { content: string }) => m.content);
      expect(sent).not.toContain('second question');
      expect(sent).toContain('third question');
    });

    it('deletes the conversation: its messages are gone and the next debug message starts a new one', async () => {
      const res = await server.post(`/conversations/${conversationId}/delete`, { token });
      expect(res.status).toBe(200);
      expect((await server.get(`/conversations/${conversationId}/messages`, { token })).status).toBe(404);
      expect((await server.get(`/apps/${appId}/conversations/messages`, { token })).body.data.list).toEqual([]);
      const events = await debugChat(server, token, appId, 'fresh start');
      expect(events[0]!.data.conversation_id).not.toBe(conversationId);
    });
  });
}
