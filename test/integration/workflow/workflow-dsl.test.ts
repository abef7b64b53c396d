import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { postStream } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

/** A workflow as Dify 1.x exports it: plugin provider ids, canvas fields, a node type this server lacks. */
const difyWorkflow = (extraNodes: unknown[] = []) =>
  stringify({
    app: {
      description: 'Summarises a text.',
      icon: '📝',
      icon_background: '#FFEAD5',
      mode: 'workflow',
      name: 'Summariser',
      use_icon_as_answer_icon: false,
    },
    dependencies: [
      { current_identifier: null, type: 'marketplace', value: { marketplace_plugin_unique_identifier: 'langgenius/openai:0.0.26@abc' } },
    ],
    kind: 'app',
    version: '0.3.0',
    workflow: {
      conversation_variables: [],
      environment_variables: [
        { description: '', id: 'e1', name: 'STYLE', selector: ['env', 'STYLE'], value: 'terse', value_type: 'string' },
        { description: '', id: 'e2', name: 'TOKEN', selector: ['env', 'TOKEN'], value: '', value_type: 'secret' },
      ],
      features: { file_upload: { enabled: false }, opening_statement: '', retriever_resource: { enabled: true } },
      graph: {
        edges: [
          {
            data: { isInIteration: false, sourceType: 'start', targetType: 'llm' },
            id: '1711-source-1712-target',
            source: '1711',
            sourceHandle: 'source',
            target: '1712',
            targetHandle: 'target',
            type: 'custom',
            zIndex: 0,
          },
          {
            data: { isInIteration: false, sourceType: 'llm', targetType: 'end' },
            id: '1712-source-1713-target',
            source: '1712',
            sourceHandle: 'source',
            target: '1713',
            targetHandle: 'target',
            type: 'custom',
            zIndex: 0,
          },
        ],
        nodes: [
          {
            data: {
              desc: '',
              selected: false,
              title: 'Start',
              type: 'start',
              variables: [{ label: 'Text', max_length: 4000, options: [], required: true, type: 'paragraph', variable: 'text' }],
            },
            height: 90,
            id: '1711',
            position: { x: 80, y: 282 },
            positionAbsolute: { x: 80, y: 282 },
            selected: false,
            sourcePosition: 'right',
            targetPosition: 'left',
            type: 'custom',
            width: 244,
          },
          {
            data: {
              context: { enabled: false, variable_selector: [] },
              desc: '',
              model: { completion_params: { temperature: 0.3 }, mode: 'chat', name: 'gpt-4o-mini', provider: 'langgenius/openai/openai' },
              prompt_template: [
                { id: 'p1', role: 'system', text: 'Summarise in a {{#env.STYLE#}} style.' },
                { id: 'p2', role: 'user', text: '[[reply:A short summary.]] {{#1711.text#}}' },
              ],
              selected: false,
              title: 'Summarise',
              type: 'llm',
              variables: [],
              vision: { enabled: false },
            },
            height: 98,
            id: '1712',
            position: { x: 384, y: 282 },
            positionAbsolute: { x: 384, y: 282 },
            selected: true,
            sourcePosition: 'right',
            targetPosition: 'left',
            type: 'custom',
            width: 244,
          },
          {
            data: {
              desc: '',
              outputs: [{ value_selector: ['1712', 'text'], variable: 'summary' }],
              selected: false,
              title: 'End',
              type: 'end',
            },
            height: 90,
            id: '1713',
            position: { x: 688, y: 282 },
            positionAbsolute: { x: 688, y: 282 },
            selected: false,
            sourcePosition: 'right',
            targetPosition: 'left',
            type: 'custom',
            width: 244,
          },
          ...extraNodes,
        ],
        viewport: { x: 0, y: 0, zoom: 1 },
      },
    },
  });

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`workflow DSL files on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;

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

    it('imports a Dify workflow file, replaces the model it cannot call, and runs it unchanged otherwise', async () => {
      const res = await server.post('/apps/imports', {
        token,
        body: { mode: 'yaml-content', yaml_content: difyWorkflow(), default_model: { provider: 'openai_compatible', model: 'fake-chat' } },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toMatchObject({ status: 'completed-with-warnings', app_mode: 'workflow', imported_dsl_version: '0.3.0' });
      expect(res.body.data.warnings).toEqual([
        'workflow.environment_variables: the secret TOKEN came without its value; set it before running',
        'Summarise: langgenius/openai/openai/gpt-4o-mini has no credentials here; replaced by openai_compatible/fake-chat',
      ]);
      const appId = res.body.data.app_id;
      const app = await server.get(`/apps/${appId}`, { token });
      expect(app.body.data).toMatchObject({ name: 'Summariser', icon: '📝', mode: 'workflow' });
      const draft = await server.get(`/apps/${appId}/workflows/draft`, { token });
      expect(draft.body.data.graph.nodes[1].data.model).toMatchObject({ provider: 'openai_compatible', name: 'fake-chat' });
      expect(draft.body.data.graph.nodes[1].positionAbsolute).toEqual({ x: 384, y: 282 });

      const stream = await postStream(`${server.baseUrl}/apps/${appId}/workflows/draft/run`, token, { inputs: { text: 'A long text.' } });
      const events = await stream.all();
      expect(events.at(-1)!.data).toMatchObject({
        event: 'workflow_finished',
        data: { status: 'succeeded', outputs: { summary: 'A short summary.' } },
      });
      expect(upstream.chatRequests().at(-1)!.body.messages[0]).toEqual({ role: 'system', content: 'Summarise in a terse style.' });
    });

    it('export -> import -> export is stable; secrets leave only when asked for', async () => {
      const first = await server.post('/apps/imports', { token, body: { mode: 'yaml-content', yaml_content: difyWorkflow() } });
      const appId = first.body.data.app_id;
      expect(first.body.data.warnings).toContainEqual(expect.stringMatching(/gpt-4o-mini cannot be called here/));
      const draft = (await server.get(`/apps/${appId}/workflows/draft`, { token })).body.data;
      const saved = await server.post(`/apps/${appId}/workflows/draft`, {
        token,
        body: { ...draft, environment_variables: [draft.environment_variables[0], { ...draft.environment_variables[1], value: 'tk-123' }] },
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);

      const exported = (await server.get(`/apps/${appId}/export`, { token })).body.data as string;
      const doc = parse(exported);
      expect(doc).toMatchObject({ kind: 'app', app: { mode: 'workflow', name: 'Summariser' } });
      expect(doc.workflow.graph.nodes).toHaveLength(3);
      expect(doc.workflow.environment_variables[1]).toMatchObject({ name: 'TOKEN', value_type: 'secret', value: '' });
      expect(exported).not.toContain('tk-123');
      const withSecret = (await server.get(`/apps/${appId}/export?include_secret=true`, { token })).body.data as string;
      expect(parse(withSecret).workflow.environment_variables[1].value).toBe('tk-123');

      const again = await server.post('/apps/imports', { token, body: { mode: 'yaml-content', yaml_content: exported } });
      const reexported = (await server.get(`/apps/${again.body.data.app_id}/export`, { token })).body.data;
      expect(reexported).toBe(exported);
    });

    it('a node type this server lacks is a warning: the app is made, saving is checked, publishing refuses until it is replaced', async () => {
      const lacking = {
        data: { title: 'Researcher', type: 'human-input', desc: '' },
        id: '1714',
        position: { x: 0, y: 0 },
        type: 'custom',
      };
      const knowledge = {
        data: {
          title: 'Docs',
          type: 'knowledge-retrieval',
          dataset_ids: ['7e3b1a2c-1111-4c49-9a7c-0c1f0e2d3b4a'],
          query_variable_selector: ['1711', 'text'],
        },
        id: '1715',
        position: { x: 0, y: 0 },
        type: 'custom',
      };
      const tool = (id: string, title: string, provider: string, name: string) => ({
        data: {
          title,
          type: 'tool',
          provider_type: 'builtin',
          provider_id: provider,
          tool_name: name,
          tool_parameters: {},
          tool_configurations: {},
        },
        id,
        position: { x: 0, y: 0 },
        type: 'custom',
      });
      const planner = {
        data: {
          title: 'Planner',
          type: 'agent',
          agent_strategy_provider_name: 'langgenius/agent/agent',
          agent_strategy_name: 'function_calling',
          agent_parameters: {
            model: {
              type: 'constant',
              value: { provider: 'langgenius/openai/openai', model: 'gpt-4o', mode: 'chat', completion_params: {} },
            },
            tools: {
              type: 'constant',
              value: [
                { enabled: true, type: 'builtin', provider_name: 'langgenius/tavily/tavily', tool_name: 'tavily_search' },
                { enabled: true, type: 'builtin', provider_name: 'langgenius/time/time', tool_name: 'current_time' },
                { enabled: false, type: 'builtin', provider_name: 'langgenius/ghost/ghost', tool_name: 'boo' },
              ],
            },
            query: { type: 'constant', value: '{{#1711.text#}}' },
          },
        },
        id: '1718',
        position: { x: 0, y: 0 },
        type: 'custom',
      };
      const extra = [
        planner,
        lacking,
        knowledge,
        tool('1716', 'Search', 'langgenius/tavily/tavily', 'tavily_search'),
        tool('1717', 'Clock', 'langgenius/time/time', 'current_time'),
      ];
      const res = await server.post('/apps/imports', {
        token,
        body: {
          mode: 'yaml-content',
          yaml_content: difyWorkflow(extra),
          default_model: { provider: 'openai_compatible', model: 'fake-chat' },
        },
      });
      expect(res.body.data.status).toBe('completed-with-warnings');
      expect(res.body.data.warnings).toContain(
        'Docs: knowledge bases 7e3b1a2c-1111-4c49-9a7c-0c1f0e2d3b4a are not in this workspace; left out',
      );
      expect(res.body.data.warnings).toContain(
        'Search: the builtin tool langgenius/tavily/tavily/tavily_search does not exist in this workspace; the node fails until it is replaced',
      );
      expect(res.body.data.warnings.join('\n')).not.toMatch(/Clock:/);
      // An agent's model is replaced like an LLM's; its enabled tools are checked like a tool node's.
      expect(res.body.data.warnings).toContain(
        'Planner: langgenius/openai/openai/gpt-4o has no credentials here; replaced by openai_compatible/fake-chat',
      );
      expect(res.body.data.warnings).toContain(
        'Planner: the builtin tool langgenius/tavily/tavily/tavily_search does not exist in this workspace; the node fails until it is replaced',
      );
      expect(res.body.data.warnings.join('\n')).not.toMatch(/ghost|current_time/);
      const draft = await server.get(`/apps/${res.body.data.app_id}/workflows/draft`, { token });
      const agentNode = draft.body.data.graph.nodes.find((n: { id: string }) => n.id === '1718');
      expect(agentNode.data.agent_parameters.model.value).toMatchObject({ provider: 'openai_compatible', model: 'fake-chat' });
      expect(res.body.data.warnings).toContain(
        'workflow.graph: human-input nodes (Researcher) cannot run here yet; publishing waits until they are replaced',
      );
      expect(res.body.data.warnings).toContain('workflow.graph: Researcher (1714) cannot be reached from start');
      const appId = res.body.data.app_id;
      const publish = await server.post(`/apps/${appId}/publish`, { token });
      expect(publish.status).toBe(400);
      expect(publish.body.message).toMatch(/cannot be reached|cannot run here/);
    });

    it('refuses a workflow file without a readable graph, and a completion app', async () => {
      const broken = stringify({
        kind: 'app',
        version: '0.1.5',
        app: { name: 'X', mode: 'workflow' },
        workflow: { graph: { nodes: 'many' } },
      });
      const res = await server.post('/apps/imports', { token, body: { mode: 'yaml-content', yaml_content: broken } });
      expect(res.status).toBe(400);
      expect(res.body.data).toMatchObject({ status: 'failed', app_id: null });
      expect(res.body.data.error).toMatch(/workflow.graph/);
      const completion = stringify({ kind: 'app', version: '0.1.5', app: { name: 'X', mode: 'completion' }, model_config: {} });
      const refused = await server.post('/apps/imports', { token, body: { mode: 'yaml-content', yaml_content: completion } });
      expect(refused.body.data.error).toMatch(/completion apps cannot be imported/);
    });
  });
}
