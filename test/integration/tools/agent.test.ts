import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { ChatClient } from 'dify-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { parseSse, postStream } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const TOOLS = [
  { type: 'builtin_tool', provider_id: 'math', tool_id: 'calculator', params: {} },
  { type: 'builtin_tool', provider_id: 'time', tool_id: 'current_time', params: {} },
  { type: 'builtin_tool', provider_id: 'webscraper', tool_id: 'webscraper', params: {} },
];

/** Tool results the model has been sent since the user's message, newest last. */
function toolResults(body: any): string[] {
  return (body.messages as any[]).filter((m) => m.role === 'tool').map((m) => String(m.content));
}

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`agents with built-in tools on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let site: Server;
    let private_: Server;
    let privateConnections = 0;
    let token: string;
    let appId: string;
    let apiKey: string;

    const v1 = async (path: string, body?: unknown) => {
      const res = await fetch(`${server.baseUrl}/v1${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, text, body: text.startsWith('{') ? JSON.parse(text) : undefined };
    };
    const ask = async (query: string, user = 'ann') => {
      const res = await v1('/chat-messages', { query, user, inputs: {}, response_mode: 'streaming' });
      expect(res.status, res.text).toBe(200);
      return parseSse(res.text).filter((e) => e.event !== 'ping');
    };

    beforeAll(async () => {
      site = createServer((req, res) => {
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 20_000);
        res.setHeader('content-type', 'text/html');
        res.end('<html><body><nav>menu</nav><h1>Opening hours</h1><p>We open at 9 and close at 17.</p><script>x()</script></body></html>');
      });
      private_ = createServer((_req, res) => res.end('internal secret'));
      private_.on('connection', () => privateConnections++);
      await Promise.all([
        new Promise<void>((r) => site.listen(0, '127.0.0.1', r)),
        new Promise<void>((r) => private_.listen(0, '127.0.0.1', r)),
      ]);
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, {
        ssrfAllowHosts: `127.0.0.1:${(site.address() as AddressInfo).port}`,
        toolTimeoutMs: 30_000,
      });
      token = (await registerAccount(server)).token;
      // A model with function calling: apps without a strategy use it (the ReAct test asks for ReAct).
      await connectFakeModel(server, token, upstream, { features: ['tool_call', 'stream'] });
      appId = await createChatApp(server, token, { preset_prompt: 'You are a helpful agent.', tools: TOOLS });
      expect((await server.post(`/apps/${appId}/publish`, { token })).status).toBe(200);
      apiKey = (await server.post(`/apps/${appId}/api-keys`, { token, body: { remark: 'agent' } })).body.data.key;
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
      site?.closeAllConnections();
      private_?.closeAllConnections();
      await Promise.all([new Promise((r) => site?.close(r)), new Promise((r) => private_?.close(r))]);
    });
    beforeEach(() => {
      upstream.script = undefined;
    });

    it('calls tools in parallel through function calling, streams Dify agent events, stores the steps and adds up usage', async () => {
      upstream.script = (body) =>
        toolResults(body).length === 0
          ? {
              text: 'Let me compute and check the time.',
              toolCalls: [
                { name: 'calculator', arguments: { expression: '6 * 7' } },
                { name: 'current_time', arguments: { timezone: 'Asia/Shanghai' } },
              ],
            }
          : { text: `The answer is ${toolResults(body)[0]}.` };
      const events = await ask('What is six times seven?');
      expect(events.map((e) => e.event)).toEqual([
        'agent_message',
        'agent_thought',
        'agent_thought',
        ...events.slice(3, -1).map(() => 'agent_message'),
        'message_end',
      ]);
      const [started, observed] = events.filter((e) => e.event === 'agent_thought').map((e) => e.data);
      expect(started).toMatchObject({
        position: 1,
        tool: 'calculator;current_time',
        observation: '',
        thought: 'Let me compute and check the time.',
      });
      expect(observed.id).toBe(started.id);
      expect(JSON.parse(observed.tool_input)).toEqual({ calculator: { expression: '6 * 7' }, current_time: { timezone: 'Asia/Shanghai' } });
      const observation = JSON.parse(observed.observation);
      expect(observation.calculator).toBe('42');
      expect(observation.current_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+ \(Asia\/Shanghai\)$/);
      expect(observed.tool_labels.calculator).toEqual({ en_US: 'Calculator', zh_Hans: '计算器' });
      const answer = events
        .filter((e) => e.event === 'agent_message')
        .map((e) => e.data.answer)
        .join('');
      expect(answer).toBe('Let me compute and check the time.\n\nThe answer is 42.');

      // The model saw the tools, then both results as tool messages answering its calls.
      const calls = upstream.chatRequests().slice(-2);
      expect(calls[0]!.body.tools.map((t: any) => t.function.name)).toEqual(['calculator', 'current_time', 'webscraper']);
      expect(calls[1]!.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.tool_call_id)).toEqual(['call_1', 'call_2']);

      const end = events.at(-1)!.data;
      const promptTokens = calls.reduce((sum, c) => sum + (JSON.stringify(c.body.messages).length >> 2), 0);
      expect(end.metadata.usage.prompt_tokens).toBe(promptTokens);

      const listed = await v1(`/messages?conversation_id=${end.conversation_id}&user=ann`);
      const message = listed.body.data[0];
      expect(message.answer).toBe(answer);
      expect(message.agent_thoughts).toHaveLength(1);
      expect(message.agent_thoughts[0]).toMatchObject({
        id: started.id,
        position: 1,
        tool: 'calculator;current_time',
        message_id: end.message_id,
      });
      expect(JSON.parse(message.agent_thoughts[0].observation).calculator).toBe('42');
    });

    it('replays earlier tool calls and their results in the next turn of the conversation', async () => {
      upstream.script = (body) => {
        const lastUser = body.messages.map((m: any) => m.role).lastIndexOf('user');
        const answered = body.messages.slice(lastUser + 1).some((m: any) => m.role === 'tool');
        if (body.messages[lastUser].content === 'And doubled?') return { text: 'Eighty-four.' };
        return answered ? { text: 'Forty-two.' } : { toolCalls: [{ name: 'calculator', arguments: { expression: '6 * 7' } }] };
      };
      const first = await ask('Six sevens?', 'memo');
      const conversationId = first.at(-1)!.data.conversation_id;
      const res = await v1('/chat-messages', {
        query: 'And doubled?',
        user: 'memo',
        inputs: {},
        response_mode: 'blocking',
        conversation_id: conversationId,
      });
      expect(res.body.answer).toBe('Eighty-four.');
      const sent = upstream
        .chatRequests()
        .at(-1)!
        .body.messages.map((m: any) => ({
          role: m.role,
          content: m.content,
          calls: m.tool_calls?.map((c: any) => `${c.function.name}(${c.function.arguments})`),
          id: m.tool_call_id,
        }));
      const callId = upstream
        .chatRequests()
        .at(-1)!
        .body.messages.find((m: any) => m.tool_calls).tool_calls[0].id;
      expect(sent.slice(1)).toEqual([
        { role: 'user', content: 'Six sevens?', calls: undefined, id: undefined },
        { role: 'assistant', content: '', calls: ['calculator({"expression":"6 * 7"})'], id: undefined },
        { role: 'tool', content: '42', calls: undefined, id: callId },
        { role: 'assistant', content: 'Forty-two.', calls: undefined, id: undefined },
        { role: 'user', content: 'And doubled?', calls: undefined, id: undefined },
      ]);
    });

    it('reads a page through the guarded fetch, and a private address is an observation that makes no connection', async () => {
      const sitePort = (site.address() as AddressInfo).port;
      const privatePort = (private_.address() as AddressInfo).port;
      upstream.script = (body) =>
        toolResults(body).length === 0
          ? {
              toolCalls: [
                { name: 'webscraper', arguments: { url: `http://127.0.0.1:${sitePort}/hours` } },
                { name: 'webscraper', arguments: { url: `http://127.0.0.1:${privatePort}/admin` } },
              ],
            }
          : { text: 'Done.' };
      const before = privateConnections;
      const events = await ask('When do you open?');
      const observed = events.filter((e) => e.event === 'agent_thought')[1]!.data;
      const observation = JSON.parse(observed.observation);
      expect(observation.webscraper).toContain('We open at 9 and close at 17.');
      expect(observation.webscraper).not.toContain('menu');
      expect(observation.webscraper).not.toContain('x()');
      expect(observation['webscraper#2']).toMatch(/^blocked: 127\.0\.0\.1 is a loopback address/);
      expect(privateConnections).toBe(before);
      expect(events.at(-1)!.event).toBe('message_end');
    });

    it('turns an unknown tool and bad arguments into observations, and ends with an answer at the iteration limit', async () => {
      const limited = await createChatApp(server, token, { tools: TOOLS, agent_mode: { strategy: 'function_call', max_iterations: 2 } });
      upstream.script = (body) =>
        body.tools
          ? {
              toolCalls: [
                { name: 'no_such_tool', arguments: {} },
                { name: 'calculator', arguments: 'not json' },
              ],
            }
          : { text: 'Out of steps, here is what I have.' };
      const stream = await postStream(`${server.baseUrl}/apps/${limited}/conversations`, token, { query: 'Loop forever' });
      const events = (await stream.all()).filter((e) => e.event !== 'ping');
      const thoughts = events.filter((e) => e.event === 'agent_thought');
      expect(thoughts).toHaveLength(2);
      const observation = JSON.parse(thoughts[1]!.data.observation);
      expect(observation.no_such_tool).toMatch(/^error: there is no tool named "no_such_tool"/);
      expect(observation.calculator).toMatch(/^error: the arguments are not a JSON object/);
      // Iteration 2 is the last: no tools offered, so the model answers.
      expect(upstream.chatRequests().at(-1)!.body.tools).toBeUndefined();
      expect(
        events
          .filter((e) => e.event === 'agent_message')
          .map((e) => e.data.answer)
          .join(''),
      ).toBe('Out of steps, here is what I have.');
      expect(events.at(-1)!.data.metadata.status).toBe('normal');
    });

    it('runs ReAct for a model without function calling: action parsed from text, answer streamed after "Final Answer:"', async () => {
      const react = await createChatApp(server, token, { tools: TOOLS, agent_mode: { strategy: 'react', max_iterations: 5 } });
      upstream.script = (body) => {
        const last = body.messages.at(-1).content as string;
        return last.startsWith('Observation:')
          ? { text: `Thought: I know it now.\nFinal Answer: It is ${last.slice('Observation: '.length)}.` }
          : {
              text: 'Thought: I should add.\nAction:\n```json\n{"action": "calculator", "action_input": "2 + 3"}\n```\nObservation: made up',
            };
      };
      const stream = await postStream(`${server.baseUrl}/apps/${react}/conversations`, token, { query: 'Add two and three' });
      const events = (await stream.all()).filter((e) => e.event !== 'ping');
      const request = upstream.chatRequests().at(-2)!.body;
      expect(request.tools).toBeUndefined();
      expect(request.messages[0].content).toContain('- calculator: Evaluates an arithmetic expression.');
      const thoughts = events.filter((e) => e.event === 'agent_thought').map((e) => e.data);
      expect(thoughts[1]).toMatchObject({ tool: 'calculator', thought: 'I should add.' });
      expect(JSON.parse(thoughts[1].tool_input)).toEqual({ calculator: { expression: '2 + 3' } });
      expect(JSON.parse(thoughts[1].observation)).toEqual({ calculator: '5' });
      // The invented observation was cut; the real one went back as the next user turn.
      const followUp = upstream.chatRequests().at(-1)!.body.messages.slice(-2);
      expect(followUp[0]).toMatchObject({ role: 'assistant' });
      expect(followUp[0].content).not.toContain('made up');
      expect(followUp[1]).toEqual({ role: 'user', content: 'Observation: 5' });
      expect(
        events
          .filter((e) => e.event === 'agent_message')
          .map((e) => e.data.answer)
          .join(''),
      ).toBe('It is 5.');
    });

    it('answers in blocking mode with the final answer, and the OpenAI endpoint streams only the answer', async () => {
      upstream.script = (body) =>
        toolResults(body).length === 0
          ? { toolCalls: [{ name: 'calculator', arguments: { expression: '2^10' } }] }
          : { text: 'It is 1024.' };
      const blocking = await v1('/chat-messages', { query: 'Two to the tenth?', user: 'bob', inputs: {}, response_mode: 'blocking' });
      expect(blocking.status).toBe(200);
      expect(blocking.body).toMatchObject({ event: 'message', mode: 'agent-chat', answer: 'It is 1024.' });
      // As Dify says of agent apps: the mode, and each tool's icon by the name its steps carry.
      expect((await v1('/info')).body.mode).toBe('agent-chat');
      expect((await v1('/meta')).body.tool_icons).toEqual({
        calculator: '/builtin-tools/math/icon',
        current_time: '/builtin-tools/time/icon',
        webscraper: '/builtin-tools/webscraper/icon',
      });

      const res = await fetch(`${server.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'app', messages: [{ role: 'user', content: 'Two to the tenth?' }] }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).choices[0].message.content).toBe('It is 1024.');
    });

    it("the official dify-client reads the agent's events and its steps in the message list", async () => {
      upstream.script = (body) =>
        toolResults(body).length === 0
          ? { toolCalls: [{ name: 'calculator', arguments: { expression: '9 * 9' } }] }
          : { text: 'Eighty-one.' };
      const dify = new ChatClient(apiKey, `${server.baseUrl}/v1`);
      const streamed = await dify.createChatMessage({}, 'Nine squared?', 'dora', true);
      let raw = '';
      for await (const chunk of streamed.data as Readable) raw += chunk.toString();
      const events = parseSse(raw).filter((e) => e.event !== 'ping');
      expect(events.map((e) => e.event)).toEqual(['agent_thought', 'agent_thought', 'agent_message', 'message_end']);
      const conversationId = events.at(-1)!.data.conversation_id;
      const history = await dify.getConversationMessages('dora', conversationId);
      expect(history.data.data[0].agent_thoughts[0]).toMatchObject({ tool: 'calculator', observation: '{"calculator":"81"}' });
    });

    it("the web app streams the agent's events to a visitor and lists its steps", async () => {
      upstream.script = (body) =>
        toolResults(body).length === 0
          ? { toolCalls: [{ name: 'calculator', arguments: { expression: '10 / 4' } }] }
          : { text: 'Two and a half.' };
      const link = (await server.get(`/apps/${appId}`, { token })).body.data.web_app_token;
      const res = await fetch(`${server.baseUrl}/web-apps/${link}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'Ten over four?' }),
      });
      expect(res.status).toBe(200);
      const events = parseSse(await res.text()).filter((e) => e.event !== 'ping');
      expect(events.map((e) => e.event)).toEqual(['agent_thought', 'agent_thought', 'agent_message', 'message_end']);
      expect(JSON.parse(events[1]!.data.observation)).toEqual({ calculator: '2.5' });
      const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
      const conversationId = events.at(-1)!.data.conversation_id;
      const listed = await fetch(`${server.baseUrl}/web-apps/${link}/messages?conversation_id=${conversationId}`, { headers: { cookie } });
      const body = (await listed.json()) as any;
      expect(body.data.list[0].agent_thoughts).toMatchObject([{ tool: 'calculator', observation: '{"calculator":"2.5"}' }]);
    });

    it('stops while a tool runs: the stream ends at once with status stop and the step is kept', async () => {
      const sitePort = (site.address() as AddressInfo).port;
      upstream.script = () => ({ toolCalls: [{ name: 'webscraper', arguments: { url: `http://127.0.0.1:${sitePort}/slow` } }] });
      const res = await fetch(`${server.baseUrl}/v1/chat-messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'Read the slow page', user: 'cy', inputs: {}, response_mode: 'streaming' }),
      });
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('"event":"agent_thought"')) text += new TextDecoder().decode((await reader.read()).value);
      const taskId = /"task_id":"([^"]+)"/.exec(text)![1]!;
      const stoppedAt = Date.now();
      expect((await v1(`/chat-messages/${taskId}/stop`, { user: 'cy' })).body).toEqual({ result: 'success' });
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      expect(Date.now() - stoppedAt).toBeLessThan(10_000);
      const end = parseSse(text).find((e) => e.event === 'message_end')!;
      expect(end.data.metadata.status).toBe('stop');
      const stored = (await v1(`/messages?conversation_id=${end.data.conversation_id}&user=cy`)).body.data[0];
      expect(stored.status).toBe('stop');
      expect(stored.agent_thoughts).toMatchObject([{ tool: 'webscraper', observation: '' }]);
    });

    it('validates the tools of a config: unknown tools, params that do not fit, and duplicates are refused', async () => {
      const bad = async (tools: unknown[], match: RegExp) => {
        const res = await server.post(`/apps/${appId}/draft-app-config`, { token, body: { tools } });
        expect(res.status).toBe(400);
        expect(res.body.message).toMatch(match);
      };
      await bad([{ type: 'builtin_tool', provider_id: 'math', tool_id: 'nope', params: {} }], /no built-in tool math\/nope/);
      await bad([{ type: 'plugin', provider_id: 'x', tool_id: 'y', params: {} }], /builtin_tool, api_tool, mcp_tool or workflow_tool/);
      await bad([{ type: 'api_tool', provider_id: 'x', tool_id: 'y', params: {} }], /provider_id: must be a UUID/);
      await bad([TOOLS[0], TOOLS[0]], /twice/);
      await bad(
        [{ type: 'builtin_tool', provider_id: 'duckduckgo', tool_id: 'duckduckgo_search', params: { max_results: 'ten' } }],
        /number/,
      );
      const res = await server.post(`/apps/${appId}/draft-app-config`, { token, body: { agent_mode: { max_iterations: 21 } } });
      expect(res.status).toBe(400);
    });

    it('lists the built-in tools, their categories, one tool, and serves icons without a token', async () => {
      const list = await server.get('/builtin-tools', { token });
      expect(list.status).toBe(200);
      const names = list.body.data.map((p: any) => p.name);
      expect(names).toEqual(expect.arrayContaining(['time', 'math', 'webscraper', 'wikipedia', 'duckduckgo', 'http']));
      const time = list.body.data.find((p: any) => p.name === 'time');
      expect(time.tools.map((t: any) => t.name)).toEqual(['current_time', 'timezone_conversion']);
      expect((await server.get('/builtin-tools/categories', { token })).body.data.map((c: any) => c.category)).toContain('search');
      const tool = await server.get('/builtin-tools/time/tools/timezone_conversion', { token });
      expect(tool.body.data).toMatchObject({ name: 'timezone_conversion', provider: { name: 'time' } });
      expect(tool.body.data.inputs.map((p: any) => p.name)).toEqual(['current_time', 'current_timezone', 'target_timezone']);
      expect((await server.get('/builtin-tools/time/tools/nope', { token })).status).toBe(404);
      const icon = await fetch(`${server.baseUrl}/builtin-tools/time/icon`);
      expect(icon.headers.get('content-type')).toBe('image/svg+xml');
      expect(await icon.text()).toMatch(/^<svg/);
      expect((await fetch(`${server.baseUrl}/builtin-tools/nope/icon`)).status).toBe(404);
      expect((await fetch(`${server.baseUrl}/builtin-tools`)).status).toBe(401);
    });
  });
}
