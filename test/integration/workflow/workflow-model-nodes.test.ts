import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeUpstream } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { uploadDocument, waitForBatch } from '../../helpers/knowledge-setup.js';
import { postStream, type SseEvent } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { canvasGraph } from '../../helpers/workflow-graph.js';

const { node, edge } = canvasGraph();
const model = (name = 'fake-chat') => ({ provider: 'openai_compatible', name, mode: 'chat', completion_params: {} });
const start = node('start', {
  type: 'start',
  title: 'Start',
  variables: [{ variable: 'q', label: 'Question', type: 'paragraph', required: true }],
});

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`workflow model nodes on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;

    const appWith = async (graph: { nodes: unknown[]; edges: unknown[] }) => {
      const app = await server.post('/apps', { token, body: { name: 'Model nodes', mode: 'workflow' } });
      const saved = await server.post(`/apps/${app.body.data.id}/workflows/draft`, { token, body: { graph } });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      return app.body.data.id as string;
    };
    const run = async (appId: string, q: string): Promise<SseEvent[]> => {
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/workflows/draft/run`, token, { inputs: { q } });
      return (await stream.all()).filter((e) => e.event !== 'ping');
    };
    const result = (events: SseEvent[]) => events.at(-1)!.data.data;
    const nodeOf = (events: SseEvent[], id: string) =>
      events.find((e) => e.event === 'node_finished' && e.data.data.node_id === id)?.data.data;

    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend);
      token = (await registerAccount(server)).token;
      await connectFakeUpstream(server, token, upstream, [
        { model: 'fake-chat', context_window: 8192, max_output: 1024 },
        { model: 'fake-tools', context_window: 8192, max_output: 1024, features: ['tool_call', 'stream'] },
      ]);
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it('knowledge-retrieval finds segments in a dataset; the LLM reads them as its context', async () => {
      const dataset = await server.post('/datasets', { token, body: { name: 'FAQ', indexing_technique: 'economy' } });
      const datasetId = dataset.body.data.id;
      const file = await uploadDocument(server, token, 'faq.md');
      const queued = await server.post(`/datasets/${datasetId}/documents`, { token, body: { upload_file_ids: [file] } });
      await waitForBatch(server, token, datasetId, queued.body.data.batch);
      const appId = await appWith({
        nodes: [
          start,
          node('kr', {
            type: 'knowledge-retrieval',
            title: 'Search',
            query_variable_selector: ['start', 'q'],
            dataset_ids: [datasetId, '6f1c2a4e-0d6b-4c49-9a7c-0c1f0e2d3b4a'],
            retrieval_mode: 'multiple',
            multiple_retrieval_config: { top_k: 3, score_threshold: null },
          }),
          node('llm', {
            type: 'llm',
            title: 'Answer',
            model: model(),
            context: { enabled: true, variable_selector: ['kr', 'result'] },
            prompt_template: [
              { role: 'system', text: 'Use this context:\n{{#context#}}' },
              { role: 'user', text: '{{#start.q#}}' },
            ],
          }),
          node('end', {
            type: 'end',
            title: 'End',
            outputs: [
              { variable: 'hits', value_selector: ['kr', 'result'] },
              { variable: 'answer', value_selector: ['llm', 'text'] },
            ],
          }),
        ],
        edges: [edge('start', 'kr'), edge('kr', 'llm'), edge('llm', 'end')],
      });
      const events = await run(appId, 'opening hours');
      const outputs = result(events).outputs;
      expect(result(events).status).toBe('succeeded');
      expect(outputs.hits.length).toBeGreaterThan(0);
      expect(outputs.hits[0]).toMatchObject({
        title: 'faq.md',
        content: expect.stringMatching(/Opening hours are 9 to 5/),
        metadata: { _source: 'knowledge', dataset_id: datasetId, dataset_name: 'FAQ' },
      });
      const system = upstream.chatRequests().at(-1)!.body.messages[0].content as string;
      expect(system).toMatch(/^Use this context:\n.*Opening hours are 9 to 5/s);
    });

    it('question-classifier takes the edge of the class the model names, and the first class when it names none', async () => {
      const classifier = node('qc', {
        type: 'question-classifier',
        title: 'Route',
        query_variable_selector: ['start', 'q'],
        model: model(),
        classes: [
          { id: 'c-billing', name: 'Billing' },
          { id: 'c-tech', name: 'Technical' },
        ],
        instruction: 'Be strict.',
      });
      const answer = (id: string, text: string) => node(id, { type: 'template-transform', title: id, template: text, variables: [] });
      const appId = await appWith({
        nodes: [
          start,
          classifier,
          answer('billing', 'to billing'),
          answer('tech', 'to tech'),
          node('agg', {
            type: 'variable-aggregator',
            title: 'Join',
            variables: [
              ['billing', 'output'],
              ['tech', 'output'],
            ],
            output_type: 'string',
          }),
          node('end', {
            type: 'end',
            title: 'End',
            outputs: [
              { variable: 'route', value_selector: ['agg', 'output'] },
              { variable: 'class', value_selector: ['qc', 'class_name'] },
            ],
          }),
        ],
        edges: [
          edge('start', 'qc'),
          edge('qc', 'billing', 'c-billing'),
          edge('qc', 'tech', 'c-tech'),
          edge('billing', 'agg'),
          edge('tech', 'agg'),
          edge('agg', 'end'),
        ],
      });
      const tech = await run(appId, 'my screen is blank [[reply:```json\n{"category_id": "c-tech", "category_name": "Technical"}\n```]]');
      expect(result(tech)).toMatchObject({ status: 'succeeded', outputs: { route: 'to tech', class: 'Technical' } });
      expect(tech.some((e) => e.event === 'node_started' && e.data.data.node_id === 'billing')).toBe(false);
      const system = upstream.chatRequests().at(-1)!.body.messages[0].content as string;
      expect(system).toContain('"category_id":"c-billing","category_name":"Billing"');
      expect(system).toContain('Be strict.');
      const unsure = await run(appId, 'hmm [[reply:no idea]]');
      expect(result(unsure).outputs).toEqual({ route: 'to billing', class: 'Billing' });
    });

    it('parameter-extractor: by a function call where the model makes them, else from JSON; typed, with __is_success and __reason', async () => {
      const parameters = [
        { name: 'city', type: 'string', description: 'the city', required: true },
        { name: 'nights', type: 'number', description: 'how many nights', required: true },
        { name: 'kind', type: 'select', options: ['hotel', 'hostel'], description: 'where to sleep', required: false },
      ];
      const graph = (name: string) => ({
        nodes: [
          start,
          node('pe', {
            type: 'parameter-extractor',
            title: 'Extract',
            query: ['start', 'q'],
            model: model(name),
            parameters,
            instruction: 'Trips only.',
            reasoning_mode: 'function_call',
          }),
          node('end', {
            type: 'end',
            title: 'End',
            outputs: ['city', 'nights', 'kind', '__is_success', '__reason'].map((v) => ({
              variable: v.replace(/^__/, ''),
              value_selector: ['pe', v],
            })),
          }),
        ],
        edges: [edge('start', 'pe'), edge('pe', 'end')],
      });
      const withTools = await appWith(graph('fake-tools'));
      const called = await run(withTools, 'Two nights in Porto [[tool:extract_parameters:{"city":"Porto","nights":"2","kind":"castle"}]]');
      expect(result(called).outputs).toEqual({ city: 'Porto', nights: 2, kind: null, is_success: 1, reason: null });
      expect(upstream.chatRequests().at(-1)!.body.tools[0].function).toMatchObject({
        name: 'extract_parameters',
        parameters: { required: ['city', 'nights'], properties: { kind: { type: 'string', enum: ['hotel', 'hostel'] } } },
      });

      const prompted = await appWith(graph('fake-chat'));
      const json = await run(prompted, 'A hostel in Oslo [[reply:Sure: {"city": "Oslo", "kind": "hostel"}]]');
      expect(result(json).outputs).toEqual({
        city: 'Oslo',
        nights: null,
        kind: 'hostel',
        is_success: 0,
        reason: 'missing required parameters: nights',
      });
      expect(upstream.chatRequests().at(-1)!.body.tools).toBeUndefined();
      expect(nodeOf(json, 'pe').execution_metadata.total_tokens).toBeGreaterThan(0);
    });

    it('agent: function calling with built-in tools (one parameter fixed by the node), steps kept; unknown strategies refused', async () => {
      const agent = (id: string, strategy: string) =>
        node(id, {
          type: 'agent',
          title: id,
          agent_strategy_provider_name: 'langgenius/agent/agent',
          agent_strategy_name: strategy,
          agent_strategy_label: strategy,
          agent_parameters: {
            model: { type: 'constant', value: { provider: 'openai_compatible', model: 'fake-tools', mode: 'chat', completion_params: {} } },
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
                {
                  enabled: true,
                  type: 'builtin',
                  provider_name: 'time',
                  tool_name: 'current_time',
                  parameters: { timezone: { auto: 0, value: 'Asia/Tokyo' } },
                  settings: {},
                },
                { enabled: false, type: 'builtin', provider_name: 'nope', tool_name: 'ghost' },
              ],
            },
            instruction: { type: 'constant', value: 'You do sums for {{#start.q#}}.' },
            query: { type: 'constant', value: '{{#start.q#}}' },
            maximum_iterations: { type: 'constant', value: 3 },
          },
        });
      const graphOf = (strategy: string) => ({
        nodes: [
          start,
          agent('ag', strategy),
          node('end', { type: 'end', title: 'End', outputs: [{ variable: 'answer', value_selector: ['ag', 'text'] }] }),
        ],
        edges: [edge('start', 'ag'), edge('ag', 'end')],
      });
      const events = await run(await appWith(graphOf('function_calling')), '[[tool_once:calculator:{"expression":"6*7"}]] agent-marker');
      expect(result(events), JSON.stringify(events.at(-1))).toMatchObject({
        status: 'succeeded',
        outputs: { answer: expect.stringMatching(/^Echo: /) },
      });
      const finished = nodeOf(events, 'ag');
      expect(finished.process_data.steps).toEqual([
        { position: 1, thought: '', tool_calls: [{ tool: 'calculator', input: { expression: '6*7' }, observation: '42' }] },
      ]);
      expect(finished.execution_metadata.total_tokens).toBeGreaterThan(0);
      const sent = upstream.chatRequests().filter((r) => JSON.stringify(r.body.messages).includes('agent-marker'));
      expect(sent).toHaveLength(2);
      expect(sent[0]!.body.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('You do sums for') });
      const offered = sent[0]!.body.tools.map((t: { function: { name: string; parameters: { properties: object } } }) => t.function);
      expect(offered.map((f: { name: string }) => f.name)).toEqual(['calculator', 'current_time']);
      expect(Object.keys(offered[1].parameters.properties)).not.toContain('timezone');
      expect(sent[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: '42' });

      const unknown = await run(await appWith(graphOf('cot_plus')), 'x');
      expect(nodeOf(unknown, 'ag')).toMatchObject({
        status: 'failed',
        error: 'the agent strategy cot_plus cannot run here; function_calling and ReAct can',
      });
    });

    it('tool: a built-in tool called with a rendered argument and fixed settings; JSON answers also as json; a missing tool fails the node', async () => {
      const tool = (id: string, provider: string, name: string, parameters: Record<string, unknown>) =>
        node(id, {
          type: 'tool',
          title: id,
          provider_type: 'builtin',
          provider_id: provider,
          tool_name: name,
          tool_parameters: parameters,
          tool_configurations: {},
        });
      const appId = await appWith({
        nodes: [
          start,
          tool('calc', 'langgenius/math/math', 'calculator', { expression: { type: 'mixed', value: '{{#start.q#}} * 2' } }),
          tool('clock', 'time', 'current_time', { timezone: { type: 'constant', value: 'Asia/Tokyo' } }),
          node('end', {
            type: 'end',
            title: 'End',
            outputs: [
              { variable: 'sum', value_selector: ['calc', 'text'] },
              { variable: 'time', value_selector: ['clock', 'text'] },
            ],
          }),
        ],
        edges: [edge('start', 'calc'), edge('calc', 'clock'), edge('clock', 'end')],
      });
      const events = await run(appId, '(3 + 4)');
      expect(result(events), JSON.stringify(events.at(-1))).toMatchObject({
        status: 'succeeded',
        outputs: { sum: '14', time: expect.stringMatching(/\(Asia\/Tokyo\)$/) },
      });
      expect(nodeOf(events, 'calc').inputs).toEqual({ expression: '(3 + 4) * 2' });

      const missing = await appWith({
        nodes: [start, tool('ghost', 'nope', 'nothing', {}), node('end', { type: 'end', title: 'End', outputs: [] })],
        edges: [edge('start', 'ghost'), edge('ghost', 'end')],
      });
      expect(nodeOf(await run(missing, 'x'), 'ghost')).toMatchObject({
        status: 'failed',
        error: 'the tool nope/nothing does not exist in this workspace',
      });
    });
  });
}
