import { ChatClient } from 'dify-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { parseSse, postStream, type SseEvent } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { waitFor } from '../../helpers/wait-for.js';
import { canvasGraph } from '../../helpers/workflow-graph.js';

const { node, edge } = canvasGraph();
const llm = (id: string, extra: Record<string, unknown> = {}) =>
  node(id, {
    type: 'llm',
    title: 'Chat',
    model: { provider: 'openai_compatible', name: 'fake-chat', mode: 'chat', completion_params: {} },
    prompt_template: [{ role: 'system', text: 'You talk about {{#conversation.topic#}}.' }],
    memory: { window: { enabled: true, size: 5 }, query_prompt_template: '{{#sys.query#}}' },
    ...extra,
  });

/** start -> llm (with memory) -> assigner (count += 1) -> answer "Reply to <name>: <tokens> (#n)". */
const chatGraph = {
  nodes: [
    node('start', { type: 'start', title: 'Start', variables: [{ variable: 'name', label: 'Name', type: 'text-input', required: false }] }),
    llm('llm'),
    node('count', {
      type: 'assigner',
      title: 'Count',
      version: '2',
      items: [{ variable_selector: ['conversation', 'count'], input_type: 'constant', operation: '+=', value: 1 }],
    }),
    node('answer', { type: 'answer', title: 'Answer', answer: 'Reply to {{#start.name#}}: {{#llm.text#}} (#{{#conversation.count#}})' }),
  ],
  edges: [edge('start', 'llm'), edge('llm', 'count'), edge('count', 'answer')],
};
const conversationVariables = [
  { name: 'count', value_type: 'number', value: 0 },
  { name: 'topic', value_type: 'string', value: 'the sea' },
];

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`chatflow apps on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;

    const chatflow = async (graph: unknown) => {
      const app = await server.post('/apps', { token, body: { name: 'Chatflow', mode: 'advanced-chat' } });
      expect(app.body.data.mode).toBe('advanced-chat');
      const saved = await server.post(`/apps/${app.body.data.id}/workflows/draft`, {
        token,
        body: {
          graph,
          conversation_variables: conversationVariables,
          features: { opening_statement: 'Ahoy!', suggested_questions: ['Tides?'] },
        },
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      return app.body.data.id as string;
    };
    const debug = async (appId: string, body: Record<string, unknown>): Promise<SseEvent[]> => {
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/workflows/draft/run`, token, { inputs: {}, ...body });
      expect(stream.status).toBe(200);
      return (await stream.all()).filter((e) => e.event !== 'ping');
    };
    const reply = (events: SseEvent[]) =>
      events
        .filter((e) => e.event === 'message')
        .map((e) => e.data.answer)
        .join('');

    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend);
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream);
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it('a new chatflow answers the query back; a debug turn streams the reply as message events, LLM tokens as they come', async () => {
      const fresh = await server.post('/apps', { token, body: { name: 'Echo', mode: 'advanced-chat' } });
      const echoed = await debug(fresh.body.data.id, { query: 'hello there' });
      expect(reply(echoed)).toBe('hello there');

      const appId = await chatflow(chatGraph);
      const events = await debug(appId, { query: 'waves?', inputs: { name: 'Ann' } });
      const names = events.map((e) => e.event);
      expect(names[0]).toBe('workflow_started');
      expect(names.slice(-2)).toEqual(['workflow_finished', 'message_end']);
      const messages = events.filter((e) => e.event === 'message');
      // The text before the LLM's part goes out with its first token, long before the answer node runs.
      expect(messages.length).toBeGreaterThanOrEqual(2);
      expect(messages[0]!.data.answer).toMatch(/^Reply to Ann: E/);
      expect(names.indexOf('message')).toBeLessThan(
        names.findIndex((n, i) => n === 'node_finished' && events[i]!.data.data.node_id === 'llm'),
      );
      expect(reply(events)).toBe('Reply to Ann: Echo: waves? (#1)');
      const end = events.at(-1)!.data;
      expect(end).toMatchObject({
        event: 'message_end',
        conversation_id: messages[0]!.data.conversation_id,
        metadata: { usage: { total_tokens: expect.any(Number) } },
      });
      expect(upstream.chatRequests().at(-1)!.body.messages).toEqual([
        { role: 'system', content: 'You talk about the sea.' },
        { role: 'user', content: 'waves?' },
      ]);

      // The next turn: the variables as the last turn left them, the earlier turn in the LLM's memory.
      const next = await debug(appId, { query: 'and tides?', conversation_id: end.conversation_id });
      expect(reply(next)).toBe('Reply to Ann: Echo: and tides? (#2)');
      expect(upstream.chatRequests().at(-1)!.body.messages.slice(1)).toEqual([
        { role: 'user', content: 'waves?' },
        { role: 'assistant', content: 'Reply to Ann: Echo: waves? (#1)' },
        { role: 'user', content: 'and tides?' },
      ]);
    });

    it('published: the official dify-client chats blocking and streaming; conversations, messages, parameters and stop work as for chat apps', async () => {
      const appId = await chatflow(chatGraph);
      expect((await server.post(`/apps/${appId}/publish`, { token })).status).toBe(200);
      const key = (await server.post(`/apps/${appId}/api-keys`, { token, body: {} })).body.data.key;
      const dify = new ChatClient(key, `${server.baseUrl}/v1`);

      const first = await dify.createChatMessage({ name: 'Bo' }, 'hi', 'user-9', false, null);
      expect(first.data).toMatchObject({ event: 'message', mode: 'advanced-chat', answer: 'Reply to Bo: Echo: hi (#1)' });
      const conversationId = first.data.conversation_id;
      const streamed = await dify.createChatMessage({}, 'again', 'user-9', true, conversationId);
      let body = '';
      for await (const chunk of streamed.data) body += String(chunk);
      const events = parseSse(body).filter((e) => e.event !== 'ping');
      expect(reply(events)).toBe('Reply to Bo: Echo: again (#2)');
      expect(events.at(-1)!.event).toBe('message_end');

      const list = await dify.getConversationMessages('user-9', conversationId, null, 20);
      expect(list.data.data.map((m: { query: string; answer: string }) => [m.query, m.answer])).toEqual([
        ['hi', 'Reply to Bo: Echo: hi (#1)'],
        ['again', 'Reply to Bo: Echo: again (#2)'],
      ]);
      const conversations = await dify.getConversations('user-9', null, 20);
      expect(conversations.data.data[0].id).toBe(conversationId);
      // Named in the background by the graph's model, from the first exchange.
      const name = await waitFor(
        async () => {
          const latest: string = (await dify.getConversations('user-9', null, 20)).data.data[0].name;
          return latest !== 'New conversation' && latest;
        },
        { message: 'the conversation to be named', timeoutMs: 15_000 },
      );
      expect(name).toBe('Echo: User: hi');
      const unnamed = await fetch(`${server.baseUrl}/v1/chat-messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'no title', user: 'user-10', inputs: {}, response_mode: 'blocking', auto_generate_name: false }),
      });
      expect(unnamed.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await dify.getConversations('user-10', null, 20)).data.data[0].name).toBe('New conversation');
      const someoneElse = await fetch(`${server.baseUrl}/v1/chat-messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'x', user: 'intruder', inputs: {}, conversation_id: conversationId, response_mode: 'blocking' }),
      });
      expect(someoneElse.status).toBe(404);
      const parameters = await dify.getApplicationParameters('user-9');
      expect(parameters.data).toMatchObject({ opening_statement: 'Ahoy!', suggested_questions: ['Tides?'] });
      expect(parameters.data.user_input_form).toEqual([{ 'text-input': { label: 'Name', variable: 'name', required: false } }]);
      const workflowRoute = await fetch(`${server.baseUrl}/v1/workflows/run`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: {}, user: 'u' }),
      });
      expect(((await workflowRoute.json()) as { code: string }).code).toBe('not_workflow_app');

      // Stop lands on the running turn; the partial reply is kept with status stop.
      const slow = await postStream(`${server.baseUrl}/v1/chat-messages`, key, {
        query: '[[chunk_delay:200]] a long story please',
        user: 'user-9',
        inputs: {},
        response_mode: 'streaming',
      });
      let event = await slow.next();
      while (event && event.event !== 'message') event = await slow.next();
      const taskId = event!.data.task_id;
      const stop = await fetch(`${server.baseUrl}/v1/chat-messages/${taskId}/stop`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'user-9' }),
      });
      expect(stop.status).toBe(200);
      const rest = await slow.all();
      expect(rest.find((e) => e.event === 'workflow_finished')!.data.data.status).toBe('stopped');
      const stored = await dify.getConversationMessages('user-9', event!.data.conversation_id, null, 20);
      expect(stored.data.data[0]).toMatchObject({ status: 'stop', answer: expect.stringMatching(/^Reply to : E/) });
    });

    it('the public web app chats with a published chatflow, one conversation per visitor', async () => {
      const appId = await chatflow(chatGraph);
      await server.post(`/apps/${appId}/publish`, { token });
      const link = (await server.get(`/apps/${appId}`, { token })).body.data.web_app_token;
      expect((await server.get(`/web-apps/${link}`)).body.data).toMatchObject({ mode: 'advanced-chat', opening_statement: 'Ahoy!' });
      const send = async (body: object, cookie?: string) => {
        const res = await fetch(`${server.baseUrl}/web-apps/${link}/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(200);
        return { events: parseSse(await res.text()), cookie: cookie ?? res.headers.get('set-cookie')!.split(';')[0]! };
      };
      const first = await send({ query: 'ahoy', inputs: { name: 'Cy' } });
      expect(reply(first.events)).toBe('Reply to Cy: Echo: ahoy (#1)');
      const conversationId = first.events.find((e) => e.event === 'message')!.data.conversation_id;
      const second = await send({ query: 'more', conversation_id: conversationId }, first.cookie);
      expect(reply(second.events)).toBe('Reply to Cy: Echo: more (#2)');
      const listed = await fetch(`${server.baseUrl}/web-apps/${link}/conversations`, { headers: { cookie: first.cookie } });
      expect(((await listed.json()) as any).data.list.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    });

    it('tokens do not flow early past a branch: only the chosen answer is sent, when it runs', async () => {
      const appId = await chatflow({
        nodes: [
          node('start', { type: 'start', title: 'Start', variables: [] }),
          llm('llm', { memory: null, prompt_template: [{ role: 'user', text: '{{#sys.query#}}' }] }),
          node('check', {
            type: 'if-else',
            title: 'Long?',
            cases: [
              {
                case_id: 'long',
                logical_operator: 'and',
                conditions: [{ variable_selector: ['llm', 'text'], comparison_operator: 'contains', value: 'long' }],
              },
            ],
          }),
          node('a', { type: 'answer', title: 'A', answer: 'LONG: {{#llm.text#}}' }),
          node('b', { type: 'answer', title: 'B', answer: 'short: {{#llm.text#}}' }),
        ],
        edges: [edge('start', 'llm'), edge('llm', 'check'), edge('check', 'a', 'long'), edge('check', 'b', 'false')],
      });
      const events = await debug(appId, { query: 'tiny' });
      expect(reply(events)).toBe('short: Echo: tiny');
      const messages = events.filter((e) => e.event === 'message');
      expect(messages).toHaveLength(1);
    });
  });
}
