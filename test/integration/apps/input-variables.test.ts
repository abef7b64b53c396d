import { ChatClient } from 'dify-client';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { parseSse, postStream } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const FORM = [
  { 'text-input': { label: 'Your name', variable: 'name', required: true, max_length: 10 } },
  { select: { label: 'Tone', variable: 'tone', required: false, options: ['formal', 'casual'], default: 'casual' } },
  { number: { label: 'Bullet points', variable: 'points', required: false } },
  { paragraph: { label: 'About you', variable: 'about', required: false } },
];
const PROMPT = 'Speak to {{name}} in a {{ tone }} tone, {{points}} points. About: {{about}}. Literal: {{not_declared}}.';

/** The system message the model was sent for the chat whose query holds `marker`. */
function systemPromptOf(upstream: FakeOpenAiServer, marker: string): string {
  const request = upstream.findChat(marker);
  expect(request, `no upstream request for ${marker}`).toBeDefined();
  return request!.body.messages.find((m: { role: string }) => m.role === 'system')?.content ?? '';
}

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`input variables (user_input_form) on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;
    let appId: string;
    let apiKey: string;

    const v1 = async (path: string, body: unknown, method = 'POST') => {
      const res = await fetch(`${server.baseUrl}/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: method === 'GET' ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend);
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream);
      appId = await createChatApp(server, token, { preset_prompt: PROMPT, user_input_form: FORM });
      expect((await server.post(`/apps/${appId}/publish`, { token })).status).toBe(200);
      apiKey = (await server.post(`/apps/${appId}/api-keys`, { token, body: {} })).body.data.key;
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it('refuses a malformed form in the draft, naming the field, and keeps the draft unchanged', async () => {
      const cases: Array<[unknown, string]> = [
        [
          [{ select: { label: 'Tone', variable: 'tone', options: [] } }],
          'user_input_form.0.select.options: a select needs at least one option',
        ],
        [
          [{ select: { label: 'T', variable: 'tone', options: ['a'], default: 'b' } }],
          'user_input_form.0.select.default: must be one of the options',
        ],
        [
          [{ 'text-input': { label: 'A', variable: 'a' }, number: { label: 'B', variable: 'b' } }],
          'user_input_form.0: must hold exactly one of text-input, paragraph, select, number',
        ],
        [[{ slider: { label: 'A', variable: 'a' } }], 'user_input_form.0: Unrecognized key: "slider"'],
        [
          [{ 'text-input': { label: 'A', variable: 'a' } }, { paragraph: { label: 'B', variable: 'a' } }],
          'user_input_form.1: declares the variable a twice',
        ],
        [[{ number: { label: 'N', variable: '1st' } }], 'user_input_form.0.number.variable: must start with a letter or _'],
      ];
      for (const [form, message] of cases) {
        const res = await server.post(`/apps/${appId}/draft-app-config`, { token, body: { user_input_form: form } });
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(res.body.message).toContain(message);
      }
      const draft = await server.get(`/apps/${appId}/draft-app-config`, { token });
      expect(draft.body.data.user_input_form).toEqual([
        { 'text-input': { label: 'Your name', variable: 'name', required: true, max_length: 10 } },
        { select: { label: 'Tone', variable: 'tone', required: false, options: ['formal', 'casual'], default: 'casual' } },
        { number: { label: 'Bullet points', variable: 'points', required: false } },
        { paragraph: { label: 'About you', variable: 'about', required: false } },
      ]);
    });

    it('GET /v1/parameters and the web app give the published form', async () => {
      const dify = new ChatClient(apiKey, `${server.baseUrl}/v1`);
      const parameters = await dify.getApplicationParameters('someone');
      expect(parameters.data.user_input_form).toEqual(FORM.map((item) => item));
      const link = (await server.get(`/apps/${appId}`, { token })).body.data.web_app_token;
      const webApp = await server.get(`/web-apps/${link}`);
      expect(webApp.body.data.user_input_form).toEqual(parameters.data.user_input_form);
    });

    it('refuses inputs that do not fit the form with Dify`s invalid_param and its words', async () => {
      const base = { query: 'hello', user: 'u1', response_mode: 'blocking' };
      const cases: Array<[Record<string, unknown>, string]> = [
        [{}, 'name is required in input form'],
        [{ name: '' }, 'name is required in input form'],
        [{ name: 'Ada Lovelace!' }, 'name in input form must be less than 10 characters'],
        [{ name: 42 }, 'name in input form must be a string'],
        [{ name: 'Ada', tone: 'angry' }, 'tone in input form must be one of the following: ["formal","casual"]'],
        [{ name: 'Ada', points: 'many' }, 'points in input form must be a valid number'],
      ];
      for (const [inputs, message] of cases) {
        const res = await v1('/chat-messages', { ...base, inputs });
        expect(res).toEqual({ status: 400, body: { code: 'invalid_param', message, status: 400 } });
      }
      // Nothing was stored for the refused messages.
      const conversations = await v1('/conversations?user=u1', undefined, 'GET');
      expect(conversations.body.data).toEqual([]);
    });

    it('fills the prompt with the values; a conversation keeps the inputs it started with', async () => {
      const dify = new ChatClient(apiKey, `${server.baseUrl}/v1`);
      const first = await dify.createChatMessage({ name: 'Ada', points: '3', ignored: 'x' }, 'marker-first', 'ada', false);
      expect(first.status).toBe(200);
      expect(systemPromptOf(upstream, 'marker-first')).toContain(
        'Speak to Ada in a casual tone, 3 points. About: . Literal: {{not_declared}}.',
      );
      const conversationId = first.data.conversation_id as string;
      // Later messages run with the conversation's inputs, whatever they send (as Dify does).
      await dify.createChatMessage({ name: 'Grace', tone: 'formal' }, 'marker-second', 'ada', false, conversationId);
      expect(systemPromptOf(upstream, 'marker-second')).toContain('Speak to Ada in a casual tone, 3 points.');
      const list = await dify.getConversations('ada');
      expect(list.data.data[0].inputs).toEqual({ name: 'Ada', tone: 'casual', points: 3, about: '' });
      const messages = await dify.getConversationMessages('ada', conversationId);
      expect(messages.data.data[0].inputs).toEqual({ name: 'Ada', tone: 'casual', points: 3, about: '' });
    });

    it('the debug chat, the web app and the OpenAI endpoint take inputs too', async () => {
      const debug = await postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, {
        query: 'marker-debug',
        inputs: { name: 'Linus', tone: 'formal' },
      });
      expect(debug.status).toBe(200);
      expect((await debug.all()).at(-1)?.event).toBe('message_end');
      expect(systemPromptOf(upstream, 'marker-debug')).toContain('Speak to Linus in a formal tone');
      const missing = await server.post(`/apps/${appId}/conversations`, { token, body: { query: 'no inputs' } });
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({ code: 'validate_error', message: 'name is required in input form' });

      const link = (await server.get(`/apps/${appId}`, { token })).body.data.web_app_token;
      const web = await fetch(`${server.baseUrl}/web-apps/${link}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'marker-web', inputs: { name: 'Visitor' } }),
      });
      expect(web.status).toBe(200);
      expect(parseSse(await web.text()).at(-1)?.event).toBe('message_end');
      expect(systemPromptOf(upstream, 'marker-web')).toContain('Speak to Visitor in a casual tone');

      const openai = new OpenAI({ apiKey, baseURL: `${server.baseUrl}/v1` });
      const completion = await openai.chat.completions.create({
        model: 'x',
        messages: [{ role: 'user', content: 'marker-openai' }],
        // @ts-expect-error -- our extension of OpenAI's request, sent as an extra body field
        inputs: { name: 'Sam' },
      });
      expect(completion.choices[0]?.message.content).toBeTruthy();
      expect(systemPromptOf(upstream, 'marker-openai')).toContain('Speak to Sam in a casual tone');
      await expect(openai.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'none' }] })).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('name is required in input form'),
      });
    });
  });
}
