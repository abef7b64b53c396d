import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp, debugChat } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { postStream, type SseEvent } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { canvasGraph } from '../../helpers/workflow-graph.js';

const { node, edge } = canvasGraph({ edgeIds: 'source-target' });
const start = node('start', {
  type: 'start',
  title: 'Start',
  variables: [
    { variable: 'word', label: 'Word', type: 'text-input', required: true },
    { variable: 'style', label: 'Style', type: 'select', required: false, options: ['plain', 'loud'] },
  ],
});
/** start -> template (word twice, in the style) -> end `result`. */
const DOUBLER = {
  nodes: [
    start,
    node('t', {
      type: 'template-transform',
      title: 'Double',
      template: '{% if style == "loud" %}{{ word | upper }}-{{ word | upper }}{% else %}{{ word }}-{{ word }}{% endif %}',
      variables: [
        { variable: 'word', value_selector: ['start', 'word'] },
        { variable: 'style', value_selector: ['start', 'style'] },
      ],
    }),
    node('end', { type: 'end', title: 'End', outputs: [{ variable: 'result', value_selector: ['t', 'output'] }] }),
  ],
  edges: [edge('start', 't'), edge('t', 'end')],
};
const toolNode = (toolId: string, name: string) =>
  node('call', {
    type: 'tool',
    title: 'Call',
    provider_type: 'workflow',
    provider_id: toolId,
    tool_name: name,
    tool_parameters: { word: { type: 'mixed', value: '{{#start.word#}}' } },
    tool_configurations: { style: 'loud' },
  });
const CALLER = (toolId: string, name: string) => ({
  nodes: [
    start,
    toolNode(toolId, name),
    node('end', {
      type: 'end',
      title: 'End',
      outputs: [
        { variable: 'text', value_selector: ['call', 'text'] },
        { variable: 'json', value_selector: ['call', 'json'] },
      ],
    }),
  ],
  edges: [edge('start', 'call'), edge('call', 'end')],
});

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`published workflows as tools on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;
    let doublerId: string;
    let toolId: string;

    const workflowApp = async (name: string, graph: { nodes: unknown[]; edges: unknown[] }, publish = true) => {
      const app = await server.post('/apps', { token, body: { name, mode: 'workflow' } });
      const appId = app.body.data.id as string;
      await saveAndPublish(appId, graph, publish);
      return appId;
    };
    const saveAndPublish = async (appId: string, graph: { nodes: unknown[]; edges: unknown[] }, publish = true) => {
      const saved = await server.post(`/apps/${appId}/workflows/draft`, { token, body: { graph } });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      if (publish) expect((await server.post(`/apps/${appId}/publish`, { token })).status).toBe(200);
    };
    const draftRun = async (appId: string, inputs: Record<string, unknown>): Promise<SseEvent[]> => {
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/workflows/draft/run`, token, { inputs });
      return (await stream.all()).filter((e) => e.event !== 'ping');
    };
    const toolBody = (extra: Record<string, unknown> = {}) => ({
      name: 'doubler',
      label: 'Doubler',
      description: 'Says a word twice',
      icon: { content: '🔁', background: '#FFEAD5' },
      parameters: [
        { name: 'word', description: 'the word to say twice', form: 'llm' },
        { name: 'style', description: 'plain or loud', form: 'form' },
      ],
      ...extra,
    });

    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend);
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream, { features: ['tool_call', 'stream'] });
      doublerId = await workflowApp('Doubler', DOUBLER, false);
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it('a published workflow app becomes a tool whose arguments are its start variables; what does not fit is refused', async () => {
      const create = (body: Record<string, unknown>, as = token) => server.post('/workflow-tools', { token: as, body });
      const unpublished = await create({ workflow_app_id: doublerId, ...toolBody() });
      expect(unpublished.status).toBe(400);
      expect(unpublished.body.message).toMatch(/publish the workflow first/);
      expect((await server.post(`/apps/${doublerId}/publish`, { token })).status).toBe(200);

      const badName = await create({ workflow_app_id: doublerId, ...toolBody({ name: 'two words' }) });
      expect(badName.status).toBe(400);
      expect(badName.body.message).toMatch(/^name: must be 1 to 64 letters, digits or underscores/);
      const unknownParam = await create({
        workflow_app_id: doublerId,
        ...toolBody({ parameters: [{ name: 'colour', description: '', form: 'llm' }] }),
      });
      expect(unknownParam.status).toBe(400);
      expect(unknownParam.body.message).toBe("parameters: the workflow's start node has no variable colour");
      const chatAppId = await createChatApp(server, token);
      const chatApp = await create({ workflow_app_id: chatAppId, ...toolBody() });
      expect(chatApp.status).toBe(400);
      expect(chatApp.body.message).toBe('only a workflow app can be a tool; this is a chat app');
      const stranger = (await registerAccount(server, 'Stranger')).token;
      expect((await create({ workflow_app_id: doublerId, ...toolBody() }, stranger)).status).toBe(404);

      const created = await create({ workflow_app_id: doublerId, ...toolBody() });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      toolId = created.body.data.workflow_tool_id;
      expect(created.body.data).toMatchObject({
        workflow_app_id: doublerId,
        name: 'doubler',
        label: 'Doubler',
        icon: { content: '🔁' },
        synced: true,
        tool: {
          name: 'doubler',
          parameters: [
            { name: 'word', type: 'string', form: 'llm', required: true, llm_description: 'the word to say twice' },
            { name: 'style', type: 'select', form: 'form', required: false, options: [{ value: 'plain' }, { value: 'loud' }] },
          ],
        },
      });
      expect((await create({ workflow_app_id: doublerId, ...toolBody({ name: 'again' }) })).body.message).toMatch(/already a tool/);
      const otherApp = await workflowApp('Other', DOUBLER);
      const sameName = await create({ workflow_app_id: otherApp, ...toolBody() });
      expect(sameName.status).toBe(400);
      expect(sameName.body.message).toBe('a workflow tool named doubler already exists');

      expect((await server.get('/workflow-tools', { token })).body.data.map((t: { name: string }) => t.name)).toEqual(['doubler']);
      expect((await server.get(`/apps/${doublerId}/workflow-tool`, { token })).body.data.workflow_tool_id).toBe(toolId);
      expect((await server.get(`/workflow-tools/${toolId}`, { token: stranger })).status).toBe(404);
      expect((await server.get('/workflow-tools', { token: stranger })).body.data).toEqual([]);

      // Published again: not synced until the tool is saved against the new version.
      expect((await server.post(`/apps/${doublerId}/publish`, { token })).status).toBe(200);
      expect((await server.get(`/workflow-tools/${toolId}`, { token })).body.data.synced).toBe(false);
      const saved = await server.post(`/workflow-tools/${toolId}`, { token, body: toolBody({ label: 'Word doubler' }) });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body.data).toMatchObject({ label: 'Word doubler', synced: true });
    });

    it("a chat app's agent calls the workflow: the run's outputs are the observation, and the run is in the app's history", async () => {
      const appId = await createChatApp(server, token, {
        tools: [{ type: 'workflow_tool', provider_id: toolId, tool_id: 'doubler', params: { style: 'plain' } }],
      });
      const events = await debugChat(server, token, appId, 'agent-marker [[tool_once:doubler:{"word":"hi","style":"loud"}]]');
      expect(
        events.find((e) => e.event === 'error'),
        JSON.stringify(events),
      ).toBeUndefined();
      const sent = upstream.chatRequests().filter((r) => JSON.stringify(r.body.messages).includes('agent-marker'));
      const offered = sent[0]!.body.tools.map((t: { function: { name: string; parameters: { properties: object } } }) => t.function);
      expect(offered).toEqual([
        {
          name: 'doubler',
          description: 'Says a word twice',
          parameters: {
            type: 'object',
            properties: { word: { type: 'string', description: 'the word to say twice' } },
            required: ['word'],
          },
        },
      ]);
      // The form parameter is the app's (plain), whatever the model sends.
      expect(sent.at(-1)!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: '{"result":"hi-hi"}' });

      const runs = await server.get(`/apps/${doublerId}/workflow-runs`, { token });
      expect(runs.body.data.list[0]).toMatchObject({ status: 'succeeded', triggered_from: 'app-run', outputs: { result: 'hi-hi' } });
    });

    it('a tool node calls the workflow with its settings, and an agent node as one of its tools; the JSON is also their json output', async () => {
      const appId = await workflowApp('Caller', CALLER(toolId, 'doubler'), false);
      const events = await draftRun(appId, { word: 'yes' });
      expect(events.at(-1)!.data.data, JSON.stringify(events.at(-1))).toMatchObject({
        status: 'succeeded',
        outputs: { text: '{"result":"YES-YES"}', json: [{ result: 'YES-YES' }] },
      });

      const agent = node('ag', {
        type: 'agent',
        title: 'Agent',
        agent_strategy_provider_name: 'langgenius/agent/agent',
        agent_strategy_name: 'function_calling',
        agent_parameters: {
          model: { type: 'constant', value: { provider: 'openai_compatible', model: 'fake-chat', mode: 'chat', completion_params: {} } },
          tools: {
            type: 'constant',
            value: [
              {
                enabled: true,
                type: 'workflow',
                provider_id: toolId,
                tool_name: 'doubler',
                parameters: {},
                settings: { style: { value: 'loud' } },
              },
            ],
          },
          query: { type: 'constant', value: '[[tool_once:doubler:{"word":"{{#start.word#}}"}]]' },
        },
      });
      const agentApp = await workflowApp(
        'Agent caller',
        {
          nodes: [
            start,
            agent,
            node('end', { type: 'end', title: 'End', outputs: [{ variable: 'json', value_selector: ['ag', 'json'] }] }),
          ],
          edges: [edge('start', 'ag'), edge('ag', 'end')],
        },
        false,
      );
      const ran = await draftRun(agentApp, { word: 'ok' });
      expect(ran.at(-1)!.data.data, JSON.stringify(ran.at(-1))).toMatchObject({
        status: 'succeeded',
        outputs: { json: [{ result: 'OK-OK' }] },
      });
    });

    it('a workflow calling itself as a tool stops at the call depth limit; every level fails with the reason', async () => {
      const appId = await workflowApp('Recurse', DOUBLER);
      const created = await server.post('/workflow-tools', {
        token,
        body: { workflow_app_id: appId, ...toolBody({ name: 'recurse', label: 'Recurse' }) },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      await saveAndPublish(appId, CALLER(created.body.data.workflow_tool_id, 'recurse'));
      const events = await draftRun(appId, { word: 'deep' });
      const finished = events.at(-1)!.data.data;
      expect(finished.status).toBe('failed');
      expect(finished.error).toMatch(/Max workflow call depth 5 reached\.$/);
      // The draft run, then one published run per level down to the limit.
      const runs = await server.get(`/apps/${appId}/workflow-runs`, { token });
      expect(runs.body.data.list.map((r: { status: string }) => r.status)).toEqual(Array(6).fill('failed'));
    });

    it('a deleted tool or workflow app is a missing tool: warned about in the draft and refused at publishing', async () => {
      const appId = await workflowApp('Short-lived', DOUBLER);
      const created = await server.post('/workflow-tools', {
        token,
        body: { workflow_app_id: appId, ...toolBody({ name: 'short_lived', label: 'Short-lived' }) },
      });
      const shortId = created.body.data.workflow_tool_id;
      const chatAppId = await createChatApp(server, token, {
        tools: [{ type: 'workflow_tool', provider_id: shortId, tool_id: 'short_lived', params: {} }],
      });
      expect((await server.post(`/apps/${appId}/delete`, { token })).status).toBe(200);
      expect((await server.get(`/workflow-tools/${shortId}`, { token })).status).toBe(404);
      const published = await server.post(`/apps/${chatAppId}/publish`, { token });
      expect(published.status).toBe(400);
      expect(published.body.message).toContain(`tools not found: ${shortId}/short_lived`);

      expect((await server.post(`/workflow-tools/${toolId}/delete`, { token })).status).toBe(200);
      expect((await server.get(`/apps/${doublerId}/workflow-tool`, { token })).status).toBe(404);
    });
  });
}
