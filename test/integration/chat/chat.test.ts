import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp, debugChat } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { postStream } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { waitFor } from '../../helpers/wait-for.js';

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`debug chat on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;
    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, { llmRetryBaseMs: 10, llmMaxRetries: 2, llmTimeoutMs: 1500, ssePingIntervalMs: 100 });
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream);
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    const messagesOf = async (appId: string) => (await server.get(`/apps/${appId}/conversations/messages`, { token })).body.data;

    it('streams message events in order and ends with message_end carrying usage, price and latency', async () => {
      const appId = await createChatApp(server, token, { preset_prompt: 'You are terse.' });
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, { query: 'hello there world' });
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(stream.headers.get('x-request-id')).toBeTruthy();
      const events = (await stream.all()).filter((e) => e.event !== 'ping');
      // Tokens that reach the server together go on as one event; each arrives whole and in order.
      expect(events.at(-1)!.event).toBe('message_end');
      expect(events.slice(0, -1).every((e) => e.event === 'message')).toBe(true);
      expect(
        events
          .slice(0, -1)
          .map((e) => e.data.answer)
          .join(''),
      ).toBe('Echo: hello there world');
      const ids = events[0]!.data;
      for (const e of events) {
        expect(e.data).toMatchObject({ task_id: ids.task_id, message_id: ids.message_id, conversation_id: ids.conversation_id });
      }
      const usage = events.at(-1)!.data.metadata.usage;
      expect(usage).toMatchObject({ completion_tokens: 4, currency: 'USD', total_price: '0.0000000', prompt_price_unit: '0.000001' });
      expect(usage.prompt_tokens).toBeGreaterThan(0);
      expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
      expect(usage.latency).toBeGreaterThan(0);
      expect(usage.time_to_first_token).toBeGreaterThan(0);
      expect(usage.time_to_first_token).toBeLessThanOrEqual(usage.latency);

      const sent = upstream.findChat('hello there world')!.body;
      expect(sent.messages).toEqual([
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'hello there world' },
      ]);
      expect(sent).toMatchObject({ model: 'fake-chat', max_tokens: 256, stream: true });

      const stored = await messagesOf(appId);
      expect(stored.list).toHaveLength(1);
      expect(stored.list[0]).toMatchObject({
        id: ids.message_id,
        conversation_id: ids.conversation_id,
        query: 'hello there world',
        answer: 'Echo: hello there world',
        status: 'normal',
        answer_tokens: 4,
        provider: 'openai_compatible',
        model: 'fake-chat',
      });
    });

    it('answers a JSON error, not a stream, when the app cannot chat at all', async () => {
      const { token: fresh } = await registerAccount(server);
      const appId = await createChatApp(server, fresh).catch(() => undefined);
      expect(appId).toBeUndefined(); // the custom model does not exist for an account without credentials
      const app = (await server.post('/apps', { token: fresh, body: { name: 'No creds' } })).body.data.id;
      const res = await server.post(`/apps/${app}/conversations`, { token: fresh, body: { query: 'hi' } });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^no credentials for OpenAI: set them with POST \/llm-models\/openai\/credentials/);
      const empty = await server.post(`/apps/${app}/conversations`, { token: fresh, body: { query: '  ' } });
      expect(empty.status).toBe(400);
      expect(empty.body.message).toBe('query: must not be empty');
    });

    it('keeps the conversation: earlier turns go back to the model, newest messages list first', async () => {
      const appId = await createChatApp(server, token, { dialog_round: 2 });
      const first = await debugChat(server, token, appId, 'turn one');
      await debugChat(server, token, appId, 'turn two');
      const third = await debugChat(server, token, appId, 'turn three');
      const fourth = await debugChat(server, token, appId, 'turn four');
      const conversationId = first[0]!.data.conversation_id as string;
      expect(fourth[0]!.data.conversation_id).toBe(conversationId);
      const sent = upstream.findChat('turn four')!.body.messages.map((m: { content: string }) => m.content);
      expect(sent).toEqual(['turn two', 'Echo: turn two', 'turn three', 'Echo: turn three', 'turn four']);
      // A deleted message leaves the memory at once (the turns between messages may be kept in memory).
      const deleted = await server.post(`/conversations/${conversationId}/messages/${third[0]!.data.message_id}/delete`, { token });
      expect(deleted.status).toBe(200);
      await debugChat(server, token, appId, 'turn five');
      const after = upstream.findChat('turn five')!.body.messages.map((m: { content: string }) => m.content);
      expect(after).toEqual(['turn two', 'Echo: turn two', 'turn four', 'Echo: turn four', 'turn five']);

      const page = await server.get(`/apps/${appId}/conversations/messages?limit=3`, { token });
      expect(page.body.data.list.map((m: { query: string }) => m.query)).toEqual(['turn five', 'turn four', 'turn two']);
      expect(page.body.data.has_more).toBe(true);
      const older = await server.get(`/apps/${appId}/conversations/messages?limit=3&created_at=${page.body.data.next_created_at}`, {
        token,
      });
      expect(older.body.data.list.map((m: { query: string }) => m.query)).toEqual(['turn one']);
      expect(older.body.data).toMatchObject({ has_more: false, next_created_at: null });
    });

    it('drops the oldest turns that no longer fit the context window', async () => {
      const { token: small } = await registerAccount(server);
      await connectFakeModel(server, small, upstream, { contextWindow: 400, maxOutput: 200 });
      const appId = await createChatApp(server, small, {
        dialog_round: 10,
        model_config: { provider: 'openai_compatible', model: 'fake-chat', parameters: { max_tokens: 200 } },
      });
      const long = (tag: string) => `${tag} ${'lorem ipsum dolor sit amet '.repeat(12)}`;
      for (const tag of ['window-a', 'window-b', 'window-c']) await debugChat(server, small, appId, long(tag));
      await debugChat(server, small, appId, 'window-last');
      const sent = upstream.findChat('window-last')!.body.messages as Array<{ content: string }>;
      const text = sent.map((m) => m.content).join('\n');
      expect(text).toContain('window-c');
      expect(text).not.toContain('window-a');
      expect(sent.at(-1)!.content).toBe('window-last');

      const tooLong = await server.post(`/apps/${appId}/conversations`, { token: small, body: { query: 'word '.repeat(400) } });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.message).toMatch(/the prompt needs \d+ tokens but the model leaves 200/);
    });

    it('stops a running answer: the stream ends, the partial answer is kept with status stop, upstream is cancelled', async () => {
      const appId = await createChatApp(server, token);
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, {
        query: `[[chunk_delay:80]] stop-me ${'word '.repeat(40)}`,
      });
      let first = await stream.next();
      while (first?.event === 'ping') first = await stream.next();
      expect(first!.event).toBe('message');
      const stop = await server.post(`/apps/${appId}/conversations/tasks/${first!.data.task_id}/stop`, { token });
      expect(stop.status).toBe(200);
      const events = (await stream.all()).filter((e) => e.event !== 'ping');
      expect(events.at(-1)!.event).toBe('message_end');
      expect(events.at(-1)!.data.metadata.status).toBe('stop');
      const streamed = events
        .filter((e) => e.event === 'message')
        .map((e) => e.data.answer)
        .join('');
      const stored = (await messagesOf(appId)).list[0];
      expect(stored.status).toBe('stop');
      expect(stored.answer).toBe(streamed);
      expect(stored.answer.length).toBeLessThan(`Echo: stop-me ${'word '.repeat(40)}`.length);
      await waitFor(() => upstream.findChat('stop-me')!.aborted, { message: 'the upstream request to be aborted' });
    });

    it("refuses to stop another account's task", async () => {
      const appId = await createChatApp(server, token);
      const events = await debugChat(server, token, appId, 'finished already');
      const other = await registerAccount(server);
      const res = await server.post(`/apps/${appId}/conversations/tasks/${events[0]!.data.task_id}/stop`, { token: other.token });
      expect(res.status).toBe(404);
    });

    it('a client that disconnects stops the upstream request and the answer is stored as stopped', async () => {
      const appId = await createChatApp(server, token);
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, {
        query: `[[chunk_delay:80]] leave-me ${'word '.repeat(40)}`,
      });
      let first = await stream.next();
      while (first?.event === 'ping') first = await stream.next();
      stream.abort();
      await waitFor(() => upstream.findChat('leave-me')!.aborted, { message: 'the upstream request to be aborted' });
      const stored = await waitFor(
        async () => {
          const page = await messagesOf(appId);
          return page.list[0]?.status === 'stop' && page;
        },
        { message: 'the answer to be stored as stopped' },
      );
      expect(stored.list[0].answer.startsWith('Echo:')).toBe(true);
    });

    it('sends ping events while the model is slow to start', async () => {
      const appId = await createChatApp(server, token);
      const events = await debugChat(server, token, appId, '[[first_delay:450]] slow start');
      expect(events.filter((e) => e.event === 'ping').length).toBeGreaterThanOrEqual(2);
      expect(events.at(-1)!.event).toBe('message_end');
    });

    describe('upstream faults', () => {
      it.each([
        [401, 'provider_unauthorized', 401],
        [429, 'provider_rate_limited', 429],
        [500, 'provider_error', 502],
        [400, 'provider_bad_request', 400],
      ])('an upstream %i ends the stream with an error event (%s) and a stored error', async (status, code, eventStatus) => {
        const appId = await createChatApp(server, token);
        const tag = `fault-${status}`;
        const before = upstream.chatRequests().length;
        const events = (await debugChat(server, token, appId, `[[fail:${status}:99:${tag}]] ${tag}`)).filter((e) => e.event !== 'ping');
        expect(events.map((e) => e.event)).toEqual(['error']);
        expect(events[0]!.data).toMatchObject({
          status: eventStatus,
          code,
          conversation_id: expect.any(String),
          message_id: expect.any(String),
        });
        const retried = status === 429 || status === 500;
        expect(upstream.chatRequests().length - before).toBe(retried ? 3 : 1);
        const stored = (await messagesOf(appId)).list[0];
        expect(stored).toMatchObject({ status: 'error', answer: '' });
        expect(stored.error).toContain(`scripted failure ${status}`);
      });

      it('retries 429 and 5xx before the first token and then answers', async () => {
        const appId = await createChatApp(server, token);
        const events = (await debugChat(server, token, appId, '[[fail:503:2:recovers]] recovers')).filter((e) => e.event !== 'ping');
        expect(events.at(-1)!.event).toBe('message_end');
        expect((await messagesOf(appId)).list[0]).toMatchObject({ status: 'normal', answer: 'Echo: recovers' });
      });

      it('a timeout becomes a provider_timeout error', async () => {
        const appId = await createChatApp(server, token);
        const events = (await debugChat(server, token, appId, '[[first_delay:3000]] too slow')).filter((e) => e.event !== 'ping');
        expect(events.at(-1)!.data).toMatchObject({ event: 'error', code: 'provider_timeout', status: 504 });
        expect((await messagesOf(appId)).list[0].status).toBe('error');
      });

      it('a stream that breaks mid-way keeps what came, ends with error, and is not retried', async () => {
        const appId = await createChatApp(server, token);
        const before = upstream.chatRequests().length;
        const events = (await debugChat(server, token, appId, '[[break_after:3]] one two three four five')).filter(
          (e) => e.event !== 'ping',
        );
        expect(events.at(-1)!.event).toBe('error');
        expect(events.slice(0, -1).every((e) => e.event === 'message')).toBe(true);
        expect(upstream.chatRequests().length - before).toBe(1);
        const stored = (await messagesOf(appId)).list[0];
        expect(stored.status).toBe('error');
        // The three chunks sent before the cut, however many events they came in.
        expect(stored.answer).toBe('Echo: one two ');
        expect(
          events
            .slice(0, -1)
            .map((e) => e.data.answer)
            .join(''),
        ).toBe(stored.answer);
      });
    });

    describe('review', () => {
      const review = (overrides: object) => ({
        review_config: {
          enable: true,
          keywords: ['secret', 'forbidden'],
          inputs_config: { enable: false, preset_response: '' },
          outputs_config: { enable: false },
          ...overrides,
        },
      });

      it('answers a flagged query with the preset response and never calls the model', async () => {
        const appId = await createChatApp(
          server,
          token,
          review({ inputs_config: { enable: true, preset_response: 'I cannot help with that.' } }),
        );
        const before = upstream.chatRequests().length;
        const events = (await debugChat(server, token, appId, 'tell me the SECRET code')).filter((e) => e.event !== 'ping');
        expect(events.map((e) => e.event)).toEqual(['message', 'message_end']);
        expect(events[0]!.data.answer).toBe('I cannot help with that.');
        expect(upstream.chatRequests().length).toBe(before);
        expect((await messagesOf(appId)).list[0]).toMatchObject({ answer: 'I cannot help with that.', status: 'normal' });
      });

      it('masks flagged words in the answer, even when they arrive split across chunks', async () => {
        const appId = await createChatApp(server, token, review({ outputs_config: { enable: true } }));
        const events = (await debugChat(server, token, appId, '[[reply:the secret and the forb idden forbidden word]] x')).filter(
          (e) => e.event !== 'ping',
        );
        const streamed = events
          .filter((e) => e.event === 'message')
          .map((e) => e.data.answer)
          .join('');
        expect(streamed).toBe('the ****** and the forb idden ********* word');
        expect((await messagesOf(appId)).list[0].answer).toBe(streamed);
      });
    });

    it('names a new conversation in the background', async () => {
      const appId = await createChatApp(server, token);
      const events = await debugChat(server, token, appId, 'plan a trip to Kyoto');
      const conversationId = events.find((e) => e.event === 'message')!.data.conversation_id;
      const named = await waitFor(
        async () => {
          const name = (await server.get(`/conversations/${conversationId}/name`, { token })).body.data.name as string;
          return name !== 'New conversation' && name;
        },
        { message: 'the conversation to be named' },
      );
      expect(named).toMatch(/^Echo: User: plan a trip to Kyoto/);
      expect(named.length).toBeLessThanOrEqual(100);
    });

    it('keeps a long-term summary in the background and puts it into the next prompt', async () => {
      const appId = await createChatApp(server, token, { long_term_memory: { enable: true }, dialog_round: 0 });
      await debugChat(server, token, appId, 'my name is Ada');
      const summary = await waitFor(async () => (await server.get(`/apps/${appId}/summary`, { token })).body.data.summary as string, {
        message: 'a summary',
      });
      expect(summary).toContain('my name is Ada');
      await debugChat(server, token, appId, 'what is my name');
      const system = upstream.findChat('what is my name')!.body.messages[0];
      expect(system.role).toBe('system');
      expect(system.content).toContain('Summary of the earlier conversation:');
      expect(system.content).toContain('my name is Ada');
      // The second answer updates the summary too; correct it only after that, or the job would overwrite the correction.
      await waitFor(
        async () => ((await server.get(`/apps/${appId}/summary`, { token })).body.data.summary as string).includes('what is my name'),
        { message: 'the summary to take in the second answer' },
      );

      const corrected = await server.post(`/apps/${appId}/summary`, { token, body: { summary: 'The user is Grace.' } });
      expect(corrected.status).toBe(200);
      expect((await server.get(`/apps/${appId}/summary`, { token })).body.data.summary).toBe('The user is Grace.');
    });

    it('deleting the debug conversation starts a fresh one', async () => {
      const appId = await createChatApp(server, token);
      const first = await debugChat(server, token, appId, 'before reset');
      expect((await server.post(`/apps/${appId}/conversations/delete-debug-conversation`, { token })).status).toBe(200);
      expect((await messagesOf(appId)).list).toEqual([]);
      const second = await debugChat(server, token, appId, 'after reset');
      expect(second[0]!.data.conversation_id).not.toBe(first[0]!.data.conversation_id);
      expect(upstream.findChat('after reset')!.body.messages).toHaveLength(1);
    });

    it('suggests three follow-up questions for a message', async () => {
      const appId = await createChatApp(server, token);
      const events = await debugChat(server, token, appId, '[[reply:["Where to stay?","What to eat?","How to get around?"]]] tips');
      const messageId = events[0]!.data.message_id;
      const res = await server.post('/ai/suggested-questions', { token, body: { message_id: messageId } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toEqual(['Where to stay?', 'What to eat?', 'How to get around?']);
      const other = await registerAccount(server);
      expect((await server.post('/ai/suggested-questions', { token: other.token, body: { message_id: messageId } })).status).toBe(404);
    });

    it('streams an optimized prompt', async () => {
      const stream = await postStream(`${server.baseUrl}/ai/optimize-prompt`, token, {
        prompt: 'be a travel agent',
        model_config: { provider: 'openai_compatible', model: 'fake-chat' },
      });
      const events = (await stream.all()).filter((e) => e.event !== 'ping');
      expect(events.at(-1)!.event).toBe('message_end');
      expect(
        events
          .filter((e) => e.event === 'optimize_prompt')
          .map((e) => e.data.data)
          .join(''),
      ).toBe('Echo: be a travel agent');
      const { token: none } = await registerAccount(server);
      const refused = await server.post('/ai/optimize-prompt', { token: none, body: { prompt: 'x' } });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/no model provider is configured/);
    });
  });
}
