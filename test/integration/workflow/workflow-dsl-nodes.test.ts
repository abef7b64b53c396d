import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { uploadAsEndUser, uploadDocument, waitForBatch } from '../../helpers/knowledge-setup.js';
import { startLocalSite, type LocalSite } from '../../helpers/local-site.js';
import { parseSse } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

/** Dify's canvas shapes, as its editor writes them into a DSL file. */
let y = 0;
const node = (id: string, data: Record<string, unknown>, parentId?: string) => ({
  id,
  type: 'custom',
  position: { x: 0, y: (y += 100) },
  data: { title: id, desc: '', selected: false, ...data, ...(parentId ? { isInIteration: true } : {}) },
  ...(parentId ? { parentId, zIndex: 1002 } : {}),
  width: 244,
  height: 90,
});
const edge = (source: string, target: string, sourceHandle = 'source') => ({
  id: `${source}-${sourceHandle}-${target}`,
  type: 'custom',
  source,
  target,
  sourceHandle,
  targetHandle: 'target',
  data: { sourceType: '', targetType: '', isInIteration: false },
  zIndex: 0,
});
/** A model the workspace has no credentials for: the import replaces it with its default_model. */
const model = { provider: 'langgenius/openai/openai', name: 'gpt-4o-mini', mode: 'chat', completion_params: { temperature: 0.2 } };
const template = (id: string, text: string, variables: Array<[string, string[]]> = [], parentId?: string) =>
  node(
    id,
    {
      type: 'template-transform',
      template: text,
      variables: variables.map(([variable, value_selector]) => ({ variable, value_selector })),
    },
    parentId,
  );
const code = (id: string, language: 'javascript' | 'python3', source: string, outputs: Record<string, string>, extra = {}) =>
  node(id, {
    type: 'code',
    code_language: language,
    code: source,
    variables: [],
    outputs: Object.fromEntries(Object.entries(outputs).map(([k, type]) => [k, { type, children: null }])),
    ...extra,
  });

/** Every node type of a workflow, both error strategies, as one Dify DSL file. */
function workflowFile(datasetId: string, siteHost: string): string {
  const nodes = [
    node('start', {
      type: 'start',
      variables: [
        { variable: 'q', label: 'Question', type: 'text-input', required: true, max_length: 200, options: [] },
        {
          variable: 'doc',
          label: 'Document',
          type: 'file',
          required: true,
          allowed_file_types: ['document'],
          allowed_file_upload_methods: ['local_file'],
        },
      ],
    }),
    node('kr', {
      type: 'knowledge-retrieval',
      query_variable_selector: ['start', 'q'],
      dataset_ids: [datasetId],
      retrieval_mode: 'multiple',
      multiple_retrieval_config: { top_k: 2, score_threshold: null },
    }),
    node('llm', {
      type: 'llm',
      model,
      prompt_template: [
        { role: 'system', text: 'Use this context: {{#context#}}' },
        { role: 'user', text: '{{#start.q#}}' },
      ],
      context: { enabled: true, variable_selector: ['kr', 'result'] },
      vision: { enabled: false },
    }),
    node('qc', {
      type: 'question-classifier',
      query_variable_selector: ['start', 'q'],
      model,
      classes: [
        { id: 'c-hours', name: 'Opening hours' },
        { id: 'c-other', name: 'Anything else' },
      ],
    }),
    template('hours', 'about hours'),
    template('other', 'about something else'),
    node('agg', {
      type: 'variable-aggregator',
      output_type: 'string',
      variables: [
        ['hours', 'output'],
        ['other', 'output'],
      ],
    }),
    node('pe', {
      type: 'parameter-extractor',
      query: ['start', 'q'],
      model,
      reasoning_mode: 'prompt',
      parameters: [{ name: 'topic', type: 'string', description: 'what the question is about', required: false }],
      instruction: '',
    }),
    node('check', {
      type: 'if-else',
      cases: [
        {
          case_id: 'true',
          logical_operator: 'and',
          conditions: [{ variable_selector: ['agg', 'output'], comparison_operator: 'contains', value: 'hours' }],
        },
      ],
    }),
    node('http', {
      type: 'http-request',
      method: 'get',
      url: `http://${siteHost}/status`,
      params: 'q:{{#start.q#}}',
      headers: '',
      authorization: { type: 'no-auth', config: null },
      body: { type: 'none', data: [] },
      timeout: { connect: 5, read: 5, write: 5 },
    }),
    template('skipped', 'the else branch'),
    code('words', 'javascript', 'function main() { return { words: ["ant", "bee"] } }', { words: 'array[string]' }),
    node('each', {
      type: 'iteration',
      iterator_selector: ['words', 'words'],
      output_selector: ['upper', 'output'],
      output_type: 'array[string]',
      start_node_id: 'each-start',
      is_parallel: false,
    }),
    node('each-start', { type: 'iteration-start', isInIteration: true }, 'each'),
    template('upper', '{{ w | upper }}', [['w', ['each', 'item']]], 'each'),
    node('sum', {
      type: 'loop',
      loop_count: 10,
      start_node_id: 'sum-start',
      logical_operator: 'and',
      break_conditions: [{ variable_selector: ['sum', 'total'], comparison_operator: '≥', value: '3' }],
      loop_variables: [{ label: 'total', var_type: 'number', value_type: 'constant', value: '0' }],
    }),
    { ...node('sum-start', { type: 'loop-start', isInLoop: true }), parentId: 'sum' },
    {
      ...node('add', {
        type: 'assigner',
        version: '2',
        items: [{ variable_selector: ['sum', 'total'], input_type: 'constant', operation: '+=', value: 1 }],
      }),
      parentId: 'sum',
    },
    node('pick', { type: 'list-operator', variable: ['each', 'output'], extract_by: { enabled: true, serial: '2' } }),
    code(
      'py',
      'python3',
      'def main() -> dict:\n    raise ValueError("no luck")',
      { msg: 'string' },
      {
        error_strategy: 'default-value',
        default_value: [{ key: 'msg', type: 'string', value: 'fallback' }],
      },
    ),
    code('broken', 'javascript', 'function main() { throw new Error("broken") }', { x: 'string' }, { error_strategy: 'fail-branch' }),
    template('fine', 'not reached'),
    template('recover', 'caught: {{ m }}', [['m', ['broken', 'error_message']]]),
    node('calc', {
      type: 'tool',
      provider_type: 'builtin',
      provider_id: 'langgenius/math/math',
      tool_name: 'calculator',
      tool_parameters: { expression: { type: 'mixed', value: '{{#sum.total#}} * 7' } },
      tool_configurations: {},
    }),
    node('ag', {
      type: 'agent',
      agent_strategy_provider_name: 'langgenius/agent/agent',
      agent_strategy_name: 'function_calling',
      agent_parameters: {
        model: { type: 'constant', value: model },
        tools: {
          type: 'constant',
          value: [
            {
              enabled: true,
              type: 'builtin',
              provider_name: 'langgenius/math/math',
              tool_name: 'calculator',
              parameters: {},
              settings: {},
            },
          ],
        },
        query: { type: 'constant', value: 'agent-marker [[tool_once:calculator:{"expression":"6*7"}]]' },
      },
    }),
    node('read', { type: 'document-extractor', variable_selector: ['start', 'doc'], is_array_file: false }),
    node('end', {
      type: 'end',
      outputs: [
        ['answer', ['llm', 'text']],
        ['route', ['agg', 'output']],
        ['status', ['http', 'status_code']],
        ['third', ['pick', 'first_record']],
        ['total', ['sum', 'total']],
        ['msg', ['py', 'msg']],
        ['recovered', ['recover', 'output']],
        ['product', ['calc', 'text']],
        ['agent', ['ag', 'text']],
        ['document', ['read', 'text']],
        ['topic_found', ['pe', '__is_success']],
      ].map(([variable, value_selector]) => ({ variable, value_selector })),
    }),
  ];
  const edges = [
    edge('start', 'kr'),
    edge('kr', 'llm'),
    edge('llm', 'qc'),
    edge('qc', 'hours', 'c-hours'),
    edge('qc', 'other', 'c-other'),
    edge('hours', 'agg'),
    edge('other', 'agg'),
    edge('agg', 'pe'),
    edge('pe', 'check'),
    edge('check', 'http', 'true'),
    edge('check', 'skipped', 'false'),
    edge('http', 'words'),
    edge('skipped', 'words'),
    edge('words', 'each'),
    edge('each-start', 'upper'),
    edge('each', 'sum'),
    edge('sum-start', 'add'),
    edge('sum', 'pick'),
    edge('pick', 'py'),
    edge('py', 'broken'),
    edge('broken', 'fine'),
    edge('broken', 'recover', 'fail-branch'),
    edge('recover', 'calc'),
    edge('calc', 'ag'),
    edge('ag', 'read'),
    edge('read', 'end'),
  ];
  return stringify({
    app: { name: 'Every node', mode: 'workflow', icon: '🧪', icon_background: '#FFEAD5', description: '', use_icon_as_answer_icon: false },
    kind: 'app',
    version: '0.3.0',
    dependencies: [],
    workflow: {
      environment_variables: [],
      conversation_variables: [],
      features: {},
      graph: { nodes, edges, viewport: { x: 0, y: 0, zoom: 1 } },
    },
  });
}

/** A chatflow file: answer streams the LLM, an assigner keeps a count in a conversation variable. */
function chatflowFile(): string {
  const nodes = [
    node('start', { type: 'start', variables: [] }),
    node('llm', {
      type: 'llm',
      model,
      prompt_template: [{ role: 'system', text: 'Be brief.' }],
      memory: { window: { enabled: true, size: 5 }, query_prompt_template: '{{#sys.query#}}', role_prefix: { user: '', assistant: '' } },
      context: { enabled: false, variable_selector: [] },
      vision: { enabled: false },
    }),
    node('count', {
      type: 'assigner',
      version: '2',
      items: [{ variable_selector: ['conversation', 'turns'], input_type: 'constant', operation: '+=', value: 1 }],
    }),
    node('answer', { type: 'answer', answer: '{{#llm.text#}} (turn {{#conversation.turns#}})', variables: [] }),
  ];
  return stringify({
    app: { name: 'Counting chat', mode: 'advanced-chat', icon: '💬', icon_background: '#FFEAD5', description: '' },
    kind: 'app',
    version: '0.3.0',
    workflow: {
      environment_variables: [],
      conversation_variables: [
        { id: 'v1', name: 'turns', value_type: 'number', value: 0, description: '', selector: ['conversation', 'turns'] },
      ],
      features: {},
      graph: { nodes, edges: [edge('start', 'llm'), edge('llm', 'count'), edge('count', 'answer')] },
    },
  });
}

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`Dify DSL files with every node type on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let site: LocalSite;
    let token: string;

    const importFile = async (yaml: string) => {
      const res = await server.post('/apps/imports', {
        token,
        body: { mode: 'yaml-content', yaml_content: yaml, default_model: { provider: 'openai_compatible', model: 'fake-chat' } },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const appId = res.body.data.app_id as string;
      const published = await server.post(`/apps/${appId}/publish`, { token });
      expect(published.status, JSON.stringify(published.body)).toBe(200);
      const key = (await server.post(`/apps/${appId}/api-keys`, { token, body: {} })).body.data.key as string;
      return { appId, key, warnings: res.body.data.warnings as string[] };
    };
    const v1 = async (key: string, path: string, body: unknown) => {
      const res = await fetch(`${server.baseUrl}/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, text: await res.text() };
    };

    beforeAll(async () => {
      site = await startLocalSite(async (req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true, url: req.url }));
      });
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, { ssrfAllowHosts: site.host });
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream, { features: ['tool_call', 'stream'] });
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
      await site?.close();
    });

    it('a workflow file with every node type and both error strategies imports and runs through the service API', async () => {
      const dataset = await server.post('/datasets', { token, body: { name: 'FAQ', indexing_technique: 'economy' } });
      const datasetId = dataset.body.data.id;
      const queued = await server.post(`/datasets/${datasetId}/documents`, {
        token,
        body: { upload_file_ids: [await uploadDocument(server, token, 'faq.md')] },
      });
      await waitForBatch(server, token, datasetId, queued.body.data.batch);

      const { appId, key, warnings } = await importFile(workflowFile(datasetId, site.host));
      expect(
        warnings.every((w) => w.includes('has no credentials here; replaced by openai_compatible/fake-chat')),
        warnings.join('\n'),
      ).toBe(true);
      const doc = await uploadAsEndUser(server.baseUrl, key, 'ann', 'faq.md');
      const ran = await v1(key, '/workflows/run', {
        inputs: { q: 'When are the opening hours?', doc: { type: 'document', transfer_method: 'local_file', upload_file_id: doc } },
        user: 'ann',
        response_mode: 'streaming',
      });
      expect(ran.status, ran.text).toBe(200);
      const events = parseSse(ran.text).filter((e) => e.event !== 'ping');
      const finished = events.at(-1)!.data;
      expect(finished.event, ran.text.slice(-2000)).toBe('workflow_finished');
      // A fail-branch taken makes the run a partial success, as in Dify.
      expect(finished.data, JSON.stringify(finished.data)).toMatchObject({
        status: 'partial-succeeded',
        outputs: {
          answer: expect.stringMatching(/^Echo: /),
          route: 'about hours',
          status: 200,
          third: 'BEE',
          total: 3,
          msg: 'fallback',
          recovered: 'caught: broken',
          product: '21',
          agent: expect.stringMatching(/^Echo: /),
          document: expect.stringContaining('Opening hours are 9 to 5.'),
        },
      });
      const statusOf = new Map<string, string>();
      for (const e of events) if (e.event === 'node_finished') statusOf.set(e.data.data.node_id, e.data.data.status);
      const types = new Set(events.filter((e) => e.event === 'node_finished').map((e) => e.data.data.node_type));
      expect([...types].sort()).toEqual(
        [
          'agent',
          'assigner',
          'code',
          'document-extractor',
          'end',
          'http-request',
          'if-else',
          'iteration-start',
          'iteration',
          'knowledge-retrieval',
          'list-operator',
          'llm',
          'loop-start',
          'loop',
          'parameter-extractor',
          'question-classifier',
          'start',
          'template-transform',
          'tool',
          'variable-aggregator',
        ].sort(),
      );
      expect(statusOf.get('py')).toBe('exception');
      expect(statusOf.get('broken')).toBe('exception');
      for (const skipped of ['other', 'skipped', 'fine']) expect(statusOf.has(skipped), skipped).toBe(false);
      const agentCall = upstream.chatRequests().filter((r) => JSON.stringify(r.body.messages).includes('agent-marker'));
      expect(agentCall.at(-1)!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: '42' });
      // The run is in the history with every node's row.
      const runId = finished.workflow_run_id;
      const detail = await server.get(`/apps/${appId}/workflow-runs/${runId}`, { token });
      expect(detail.body.data.status).toBe('partial-succeeded');
    });

    it('a chatflow file: the answer streams the LLM, an assigner counts turns in a conversation variable', async () => {
      const { key } = await importFile(chatflowFile());
      const ask = async (query: string, conversation_id?: string) => {
        const res = await v1(key, '/chat-messages', { query, user: 'ann', inputs: {}, response_mode: 'blocking', conversation_id });
        expect(res.status, res.text).toBe(200);
        return JSON.parse(res.text) as { answer: string; conversation_id: string };
      };
      const first = await ask('hello');
      expect(first.answer).toBe('Echo: hello (turn 1)');
      const second = await ask('again', first.conversation_id);
      expect(second.answer).toBe('Echo: again (turn 2)');
    });
  });
}
