import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`OpenAI-compatible endpoint on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let apiKey: string;
    let client: OpenAI;
    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend);
      const { token } = await registerAccount(server);
      await connectFakeModel(server, token, upstream);
      const appId = await createChatApp(server, token, { preset_prompt: 'You are the Lisbon guide.' });
      await server.post(`/apps/${appId}/publish`, { token });
      apiKey = (await server.post(`/apps/${appId}/api-keys`, { token, body: {} })).body.data.key;
      client = new OpenAI({ apiKey, baseURL: `${server.baseUrl}/v1`, maxRetries: 0 });
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it("answers a blocking completion with usage in OpenAI's shape; the request's messages are the conversation", async () => {
      const completion = await client.chat.completions.create({
        model: 'anything',
        messages: [
          { role: 'system', content: 'Answer briefly.' },
          { role: 'user', content: 'hello' },
          { role: 'assistant', content: 'hi there' },
          { role: 'user', content: [{ type: 'text', text: 'best tram?' }] },
        ],
      });
      expect(completion).toMatchObject({ object: 'chat.completion', model: 'anything' });
      expect(completion.id).toMatch(/^chatcmpl-/);
      expect(completion.choices[0]).toMatchObject({
        index: 0,
        finish_reason: 'stop',
        message: { role: 'assistant', content: 'Echo: best tram?' },
      });
      expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
      const sent = upstream.findChat('best tram?')!.body.messages;
      expect(sent).toEqual([
        { role: 'system', content: 'You are the Lisbon guide.\n\nAnswer briefly.' },
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'hi there' },
        { role: 'user', content: 'best tram?' },
      ]);
    });

    it('streams chunks that the SDK assembles, with usage when asked', async () => {
      const stream = await client.chat.completions.create({
        model: 'guide',
        messages: [{ role: 'user', content: 'stream me please' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        expect(chunk.object).toBe('chat.completion.chunk');
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        usage = chunk.usage ?? usage;
      }
      expect(text).toBe('Echo: stream me please');
      expect(finish).toBe('stop');
      expect(usage!.completion_tokens).toBeGreaterThan(0);
    });

    it("lists the app as a model, and answers errors in OpenAI's error shape", async () => {
      const models = await client.models.list();
      expect(models.data.map((m) => m.object)).toEqual(['model']);

      const wrong = new OpenAI({ apiKey: 'app-wrong', baseURL: `${server.baseUrl}/v1`, maxRetries: 0 });
      const denied = await wrong.chat.completions
        .create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((denied as InstanceType<typeof OpenAI.APIError>).error).toEqual({
        message: 'Access token is invalid',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      });

      const raw = await fetch(`${server.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'x',
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'assistant', content: 'yo' },
          ],
        }),
      });
      expect(raw.status).toBe(400);
      expect(await raw.json()).toEqual({
        error: {
          message: 'the last message must be a user message',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_request_error',
        },
      });
      const empty = await fetch(`${server.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'x', messages: [] }),
      });
      expect(empty.status).toBe(400);
      expect(((await empty.json()) as { error: { message: string } }).error.message).toBe('messages: messages must not be empty');

      const failing = await client.chat.completions
        .create({ model: 'x', messages: [{ role: 'user', content: '[[fail:401:9:oa]] boom' }] })
        .catch((e: unknown) => e);
      expect(failing).toBeInstanceOf(OpenAI.APIError);
      expect((failing as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    });
  });
}
