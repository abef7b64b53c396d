import type { Readable } from 'node:stream';
import { ChatClient } from 'dify-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, connectFakeUpstream, createChatApp } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { fixtureFile } from '../../helpers/knowledge-setup.js';
import { parseSse } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { waitFor } from '../../helpers/wait-for.js';

async function readStream(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`Dify-compatible service API on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;
    let appId: string;
    let apiKey: string;
    let dify: ChatClient;

    /** A raw call to the service API, for status and body checks. */
    const v1 = async (method: string, path: string, key: string | undefined, body?: unknown) => {
      const res = await fetch(`${server.baseUrl}/v1${path}`, {
        method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
    };

    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, { ssePingIntervalMs: 1000 });
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream);
      appId = await createChatApp(server, token, {
        preset_prompt: 'Published prompt.',
        opening_statement: 'Hi! Ask me anything.',
        opening_questions: ['What can you do?'],
      });
      expect((await server.post(`/apps/${appId}/publish`, { token })).status).toBe(200);
      const key = await server.post(`/apps/${appId}/api-keys`, { token, body: { remark: 'backend' } });
      expect(key.status, JSON.stringify(key.body)).toBe(200);
      apiKey = key.body.data.key;
      dify = new ChatClient(apiKey, `${server.baseUrl}/v1`);
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it('API keys: shown once, masked in the list, with last use; other accounts see nothing', async () => {
      expect(apiKey).toMatch(/^app-[A-Za-z0-9_-]{32}$/);
      await dify.getApplicationParameters('someone');
      // The last use is stamped off the request's path, so it shows up shortly after the call, not with it.
      const list = await waitFor(
        async () => {
          const res = await server.get(`/apps/${appId}/api-keys`, { token });
          return res.body.data?.[0]?.last_used_at !== null && res;
        },
        { message: 'the key to show its last use', timeoutMs: 30_000 },
      );
      expect(list.body.data).toHaveLength(1);
      expect(list.body.data[0]).toMatchObject({ remark: 'backend', is_active: true, key: `${apiKey.slice(0, 7)}...${apiKey.slice(-4)}` });
      expect(list.body.data[0].last_used_at).toBeTypeOf('number');
      const other = (await registerAccount(server)).token;
      const keyId = list.body.data[0].id;
      for (const res of [
        await server.get(`/apps/${appId}/api-keys`, { token: other }),
        await server.post(`/apps/${appId}/api-keys`, { token: other, body: {} }),
        await server.post(`/apps/${appId}/api-keys/${keyId}`, { token: other, body: { is_active: false } }),
        await server.post(`/apps/${appId}/api-keys/${keyId}/delete`, { token: other }),
      ]) {
        expect(res.status).toBe(404);
      }
      expect((await v1('GET', '/info', apiKey)).status).toBe(200);
    });

    it("an inactive or deleted key is refused at once, in Dify's error shape", async () => {
      const made = await server.post(`/apps/${appId}/api-keys`, { token, body: {} });
      const key = made.body.data.key as string;
      expect((await v1('GET', '/meta', key)).body).toEqual({ tool_icons: {} });
      await server.post(`/apps/${appId}/api-keys/${made.body.data.id}`, { token, body: { is_active: false } });
      expect(await v1('GET', '/meta', key)).toMatchObject({
        status: 401,
        body: { code: 'unauthorized', message: 'Access token is invalid', status: 401 },
      });
      await server.post(`/apps/${appId}/api-keys/${made.body.data.id}`, { token, body: { is_active: true } });
      expect((await v1('GET', '/meta', key)).status).toBe(200);
      await server.post(`/apps/${appId}/api-keys/${made.body.data.id}/delete`, { token });
      expect((await v1('GET', '/meta', key)).status).toBe(401);
    });

    it("error paths answer Dify's codes exactly", async () => {
      expect(await v1('GET', '/parameters', undefined)).toMatchObject({
        status: 401,
        body: { code: 'unauthorized', message: "Authorization header must be provided and start with 'Bearer'", status: 401 },
      });
      expect((await v1('GET', '/parameters', 'app-wrong')).body).toEqual({
        code: 'unauthorized',
        message: 'Access token is invalid',
        status: 401,
      });
      const missingQuery = await v1('POST', '/chat-messages', apiKey, { inputs: {}, user: 'u1', response_mode: 'blocking' });
      expect(missingQuery.status).toBe(400);
      expect(missingQuery.body).toMatchObject({ code: 'invalid_param', status: 400 });
      expect(missingQuery.body.message).toMatch(/^query: /);
      const missingUser = await v1('GET', '/conversations', apiKey);
      expect(missingUser.body).toMatchObject({ code: 'invalid_param', status: 400 });
      const unknown = await v1('POST', '/chat-messages', apiKey, {
        query: 'hi',
        user: 'u1',
        response_mode: 'blocking',
        conversation_id: '00000000-0000-4000-8000-000000000000',
      });
      expect(unknown).toMatchObject({ status: 404, body: { code: 'not_found', message: 'Conversation Not Exists.', status: 404 } });

      // An app that is not published answers no one.
      const draftOnly = await createChatApp(server, token);
      const key = (await server.post(`/apps/${draftOnly}/api-keys`, { token, body: {} })).body.data.key;
      expect((await v1('POST', '/chat-messages', key, { query: 'hi', user: 'u1', response_mode: 'blocking' })).body).toEqual({
        code: 'app_unavailable',
        message: 'App unavailable, please check your app configurations.',
        status: 400,
      });
    });

    it('dify-client: blocking and streaming chat, history, conversations, rename, feedback, parameters, delete', async () => {
      const first = await dify.createChatMessage({}, 'plan a trip', 'alice', false);
      expect(first.status).toBe(200);
      expect(first.data).toMatchObject({ event: 'message', mode: 'chat', answer: 'Echo: plan a trip' });
      expect(first.data.metadata.usage.total_tokens).toBeGreaterThan(0);
      expect(first.data.id).toBe(first.data.message_id);
      const conversationId = first.data.conversation_id as string;
      // The published config answers, not the draft.
      await server.post(`/apps/${appId}/draft-app-config`, { token, body: { preset_prompt: 'Draft prompt.' } });
      expect(upstream.findChat('plan a trip')!.body.messages[0]).toEqual({ role: 'system', content: 'Published prompt.' });

      const streamed = await dify.createChatMessage({}, 'to Lisbon', 'alice', true, conversationId);
      const events = parseSse(await readStream(streamed.data as Readable)).filter((e) => e.event !== 'ping');
      expect(events.map((e) => e.event)).toEqual([...events.slice(0, -1).map(() => 'message'), 'message_end']);
      expect(events.map((e) => (e.event === 'message' ? e.data.answer : '')).join('')).toBe('Echo: to Lisbon');
      expect(events.at(-1)!.data).toMatchObject({ conversation_id: conversationId });
      expect(events.at(-1)!.data.metadata.usage.total_tokens).toBeGreaterThan(0);
      const sent = upstream.findChat('to Lisbon')!.body.messages.map((m: { content: string }) => m.content);
      expect(sent).toEqual(['Published prompt.', 'plan a trip', 'Echo: plan a trip', 'to Lisbon']);

      const history = await dify.getConversationMessages('alice', conversationId);
      expect(history.data.has_more).toBe(false);
      expect(history.data.data.map((m: { query: string }) => m.query)).toEqual(['plan a trip', 'to Lisbon']);
      const older = await dify.getConversationMessages('alice', conversationId, history.data.data[1].id, 1);
      expect(older.data.data.map((m: { query: string }) => m.query)).toEqual(['plan a trip']);

      const conversations = await dify.getConversations('alice');
      expect(conversations.data.data.map((c: { id: string }) => c.id)).toEqual([conversationId]);
      expect(conversations.data.data[0]).toMatchObject({ status: 'normal', introduction: 'Hi! Ask me anything.' });
      expect((await dify.getConversations('bob')).data.data).toEqual([]);

      const renamed = await dify.renameConversation(conversationId, 'Lisbon trip', 'alice');
      expect(renamed.data).toMatchObject({ id: conversationId, name: 'Lisbon trip' });

      // The SDK's typings say `rating: number`; its code and Dify's API take 'like' | 'dislike'.
      const feedback = await dify.messageFeedback(first.data.message_id, 'like' as unknown as number, 'alice');
      expect(feedback.data).toEqual({ result: 'success' });
      expect((await dify.getConversationMessages('alice', conversationId)).data.data[0].feedback).toEqual({ rating: 'like' });

      const parameters = await dify.getApplicationParameters('alice');
      expect(parameters.data).toMatchObject({
        opening_statement: 'Hi! Ask me anything.',
        suggested_questions: ['What can you do?'],
        suggested_questions_after_answer: { enabled: true },
      });

      const deleted = await dify.deleteConversation(conversationId, 'alice');
      expect(deleted.status).toBe(204);
      expect((await v1('GET', `/messages?conversation_id=${conversationId}&user=alice`, apiKey)).status).toBe(404);
    });

    it("one end user never reaches another's conversation, message or task", async () => {
      const mine = await v1('POST', '/chat-messages', apiKey, { query: 'private note', user: 'carol', response_mode: 'blocking' });
      expect(mine.status, mine.text).toBe(200);
      const { conversation_id, message_id } = mine.body;
      const notFound = { code: 'not_found', status: 404 };
      expect((await v1('GET', `/messages?conversation_id=${conversation_id}&user=dave`, apiKey)).body).toMatchObject(notFound);
      expect(
        (await v1('POST', '/chat-messages', apiKey, { query: 'x', user: 'dave', conversation_id, response_mode: 'blocking' })).body,
      ).toMatchObject(notFound);
      expect((await v1('POST', `/conversations/${conversation_id}/name`, apiKey, { name: 'x', user: 'dave' })).body).toMatchObject(
        notFound,
      );
      expect((await v1('DELETE', `/conversations/${conversation_id}`, apiKey, { user: 'dave' })).body).toMatchObject(notFound);
      expect((await v1('POST', `/messages/${message_id}/feedbacks`, apiKey, { rating: 'dislike', user: 'dave' })).body).toMatchObject(
        notFound,
      );
      expect((await v1('POST', `/chat-messages/${message_id}/stop`, apiKey, { user: 'dave' })).body).toMatchObject(notFound);

      // Another app's key cannot see this app's conversations either.
      const otherApp = await createChatApp(server, token);
      await server.post(`/apps/${otherApp}/publish`, { token });
      const otherKey = (await server.post(`/apps/${otherApp}/api-keys`, { token, body: {} })).body.data.key;
      expect((await v1('GET', `/messages?conversation_id=${conversation_id}&user=carol`, otherKey)).body).toMatchObject(notFound);
      expect((await v1('GET', `/messages?conversation_id=${conversation_id}&user=carol`, apiKey)).status).toBe(200);
    });

    it('dify-client file upload: images and documents, checked like console uploads', async () => {
      const form = new FormData();
      form.append('file', new Blob([await fixtureFile('tiny.png')]), 'photo.png');
      form.append('user', 'alice');
      const uploaded = await dify.fileUpload(form);
      expect(uploaded.status).toBe(201);
      expect(uploaded.data).toMatchObject({ name: 'photo.png', extension: 'png', mime_type: 'image/png', created_by: 'alice' });
      expect(uploaded.data.id).toMatch(/^[0-9a-f-]{36}$/);

      const upload = async (name: string, data: Uint8Array, user = 'alice') => {
        const body = new FormData();
        body.append('user', user);
        body.append('file', new Blob([data]), name);
        const res = await fetch(`${server.baseUrl}/v1/files/upload`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}` },
          body,
        });
        return { status: res.status, body: await res.json() };
      };
      expect((await upload('faq.md', await fixtureFile('faq.md'))).status).toBe(201);
      expect(await upload('fake.pdf', await fixtureFile('tiny.png'))).toMatchObject({
        status: 415,
        body: { code: 'unsupported_file_type', status: 415 },
      });
      expect(await upload('faq.md', await fixtureFile('faq.md'), '')).toMatchObject({
        status: 400,
        body: { code: 'invalid_param', status: 400 },
      });
      const none = await v1('POST', '/files/upload', apiKey, { user: 'alice' });
      expect(none.body).toEqual({ code: 'no_file_uploaded', message: 'Please upload your file.', status: 400 });
    });

    it('suggests follow-up questions for the user who asked', async () => {
      const asked = await v1('POST', '/chat-messages', apiKey, {
        query: '[[reply:["Where to stay?","What to eat?","How to get around?"]]] tips',
        user: 'frank',
        response_mode: 'blocking',
      });
      // The author moves the draft to another model: end users' helpers keep using the published one.
      const draftModel = { provider: 'openai_compatible', model: 'draft-only-model', parameters: {} };
      await connectFakeUpstream(server, token, upstream, [{ model: 'fake-chat' }, { model: 'draft-only-model' }]);
      expect((await server.post(`/apps/${appId}/draft-app-config`, { token, body: { model_config: draftModel } })).status).toBe(200);
      const before = upstream.chatRequests().length;
      const suggested = await v1('GET', `/messages/${asked.body.message_id}/suggested?user=frank`, apiKey);
      expect(suggested).toMatchObject({
        status: 200,
        body: { result: 'success', data: ['Where to stay?', 'What to eat?', 'How to get around?'] },
      });
      expect(
        upstream
          .chatRequests()
          .slice(before)
          .map((r) => r.body.model),
      ).toEqual(['fake-chat']);
      expect((await v1('GET', `/messages/${asked.body.message_id}/suggested?user=grace`, apiKey)).body).toEqual({
        code: 'not_found',
        message: 'Message Not Exists.',
        status: 404,
      });
    });

    it('stops a streaming answer for the user who asked; the partial answer is kept', async () => {
      const res = await fetch(`${server.baseUrl}/v1/chat-messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `[[chunk_delay:60]] long ${'word '.repeat(40)}`,
          user: 'erin',
          response_mode: 'streaming',
          inputs: {},
        }),
      });
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('"event":"message"')) text += new TextDecoder().decode((await reader.read()).value);
      const taskId = /"task_id":"([^"]+)"/.exec(text)![1]!;
      expect(await v1('POST', `/chat-messages/${taskId}/stop`, apiKey, { user: 'erin' })).toMatchObject({
        status: 200,
        body: { result: 'success' },
      });
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      const end = parseSse(text).find((e) => e.event === 'message_end')!;
      expect(end.data.metadata.status).toBe('stop');
      const conversationId = end.data.conversation_id;
      const stored = (await v1('GET', `/messages?conversation_id=${conversationId}&user=erin`, apiKey)).body.data[0];
      expect(stored.answer.length).toBeGreaterThan(0);
      expect(stored.answer.length).toBeLessThan(`Echo: long ${'word '.repeat(40)}`.length);
    });
  });
}
