import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { postStream, type SseEvent } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { canvasGraph, selectors, type CanvasEdge, type CanvasNode } from '../../helpers/workflow-graph.js';

const { node, edge } = canvasGraph();
const template = (id: string, text: string, variables: Array<[string, string[]]>, parentId?: string) =>
  node(
    id,
    {
      type: 'template-transform',
      title: id,
      template: text,
      variables: selectors(variables),
    },
    parentId,
  );
const code = (id: string, source: string, outputs: Record<string, string>, variables: Array<[string, string[]]> = [], parentId?: string) =>
  node(
    id,
    {
      type: 'code',
      title: id,
      code_language: 'javascript',
      code: source,
      variables: selectors(variables),
      outputs: Object.fromEntries(Object.entries(outputs).map(([k, type]) => [k, { type }])),
    },
    parentId,
  );
const start = node('start', { type: 'start', title: 'Start', variables: [] });

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`workflow iteration and loop on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;

    let lastAppId = '';
    const run = async (graph: { nodes: unknown[]; edges: unknown[] }): Promise<SseEvent[]> => {
      const app = await server.post('/apps', { token, body: { name: 'Containers', mode: 'workflow' } });
      lastAppId = app.body.data.id;
      const saved = await server.post(`/apps/${app.body.data.id}/workflows/draft`, { token, body: { graph } });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      const stream = await postStream(`${server.baseUrl}/apps/${app.body.data.id}/workflows/draft/run`, token, { inputs: {} });
      return (await stream.all()).filter((e) => e.event !== 'ping');
    };
    const result = (events: SseEvent[]) => events.at(-1)!.data.data;

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

    /** start -> list -> iteration { iteration-start -> inner... } -> end(output). */
    const iterationGraph = (inner: CanvasNode[], innerEdges: CanvasEdge[], output: string[], settings: Record<string, unknown> = {}) => ({
      nodes: [
        start,
        code('list', 'function main() { return { words: ["ant", "bee", "cat"] } }', { words: 'array[string]' }),
        node('it', {
          type: 'iteration',
          title: 'Each',
          iterator_selector: ['list', 'words'],
          output_selector: output,
          output_type: 'array[string]',
          start_node_id: 'it-start',
          ...settings,
        }),
        node('it-start', { type: 'iteration-start', title: '', isInIteration: true }, 'it'),
        ...inner,
        node('end', { type: 'end', title: 'End', outputs: [{ variable: 'out', value_selector: ['it', 'output'] }] }),
      ],
      edges: [edge('start', 'list'), edge('list', 'it'), edge('it', 'end'), edge('it-start', inner[0]!.id), ...innerEdges],
    });

    it('iteration: runs its inside once per item with item and index, streams iteration events, collects the outputs in order', async () => {
      const events = await run(
        iterationGraph(
          [
            template(
              't',
              '{{ index }}:{{ item | upper }}',
              [
                ['item', ['it', 'item']],
                ['index', ['it', 'index']],
              ],
              'it',
            ),
          ],
          [],
          ['t', 'output'],
        ),
      );
      expect(result(events)).toMatchObject({ status: 'succeeded', outputs: { out: ['0:ANT', '1:BEE', '2:CAT'] } });
      const names = events.map((e) => e.event);
      expect(names.filter((n) => n.startsWith('iteration_'))).toEqual([
        'iteration_started',
        'iteration_next',
        'iteration_next',
        'iteration_next',
        'iteration_completed',
      ]);
      const inner = events.filter((e) => e.event === 'node_finished' && e.data.data.node_id === 't');
      expect(inner).toHaveLength(3);
      expect(inner.every((e) => e.data.data.iteration_id === 'it')).toBe(true);
      expect(inner.map((e) => e.data.data.execution_metadata)).toEqual([0, 1, 2].map((i) => ({ iteration_id: 'it', iteration_index: i })));
      // The history keeps which iteration, and which round, each inner node ran in.
      const runId = events[0]!.data.workflow_run_id as string;
      const detail = await server.get(`/apps/${lastAppId}/workflow-runs/${runId}`, { token });
      const rows = (detail.body.data.node_executions as Array<{ node_id: string; execution_metadata: Record<string, unknown> }>)
        .filter((n) => n.node_id === 't')
        .map((n) => [n.execution_metadata['iteration_id'], n.execution_metadata['iteration_index']]);
      expect(rows.sort()).toEqual([
        ['it', 0],
        ['it', 1],
        ['it', 2],
      ]);
      expect(events.find((e) => e.event === 'iteration_completed')!.data.data).toMatchObject({
        node_id: 'it',
        steps: 3,
        outputs: { output: ['0:ANT', '1:BEE', '2:CAT'] },
      });
    });

    it('parallel iteration keeps item order; a failing round ends the node, is left out, or leaves a null, as error_handle_mode says', async () => {
      const picky = code(
        'c',
        'async function main({ w }) { if (w === "bee") throw new Error("no bees"); return { up: w.toUpperCase() } }',
        { up: 'string' },
        [['w', ['it', 'item']]],
        'it',
      );
      const graph = (mode: string) =>
        iterationGraph([picky], [], ['c', 'up'], { is_parallel: true, parallel_nums: 3, error_handle_mode: mode });
      expect(result(await run(graph('remove-abnormal-output'))).outputs.out).toEqual(['ANT', 'CAT']);
      expect(result(await run(graph('continue-on-error'))).outputs.out).toEqual(['ANT', null, 'CAT']);
      const stopped = result(await run(graph('terminated')));
      expect(stopped.status).toBe('failed');
      expect(stopped.error).toMatch(/round 2: .*no bees/);
    });

    it('loop: an assigner changes a loop variable each round until the break condition holds; outputs the variables and the rounds', async () => {
      const events = await run({
        nodes: [
          start,
          node('lp', {
            type: 'loop',
            title: 'Sum',
            loop_count: 10,
            start_node_id: 'lp-start',
            logical_operator: 'and',
            break_conditions: [{ variable_selector: ['lp', 'total'], comparison_operator: '≥', value: '6' }],
            loop_variables: [{ label: 'total', var_type: 'number', value_type: 'constant', value: '0' }],
          }),
          node('lp-start', { type: 'loop-start', title: '', isInLoop: true }, 'lp'),
          node(
            'add',
            {
              type: 'assigner',
              title: 'Add',
              version: '2',
              items: [{ variable_selector: ['lp', 'total'], input_type: 'variable', operation: '+=', value: ['lp', 'index'] }],
            },
            'lp',
          ),
          node('end', {
            type: 'end',
            title: 'End',
            outputs: [
              { variable: 'total', value_selector: ['lp', 'total'] },
              { variable: 'rounds', value_selector: ['lp', 'loop_round'] },
            ],
          }),
        ],
        edges: [edge('start', 'lp'), edge('lp-start', 'add'), edge('lp', 'end')],
      });
      expect(result(events)).toMatchObject({ status: 'succeeded', outputs: { total: 6, rounds: 4 } });
      expect(events.filter((e) => e.event === 'loop_next')).toHaveLength(4);
      expect(events.find((e) => e.event === 'node_finished' && e.data.data.node_id === 'add')!.data.data.loop_id).toBe('lp');
    });

    it('loop: a loop-end reached on a branch ends the loop; a failing round fails it', async () => {
      const loop = (inner: CanvasNode[], innerEdges: CanvasEdge[]) => ({
        nodes: [
          start,
          node('lp', { type: 'loop', title: 'Until', loop_count: 50, start_node_id: 'lp-start', break_conditions: [], loop_variables: [] }),
          node('lp-start', { type: 'loop-start', title: '' }, 'lp'),
          ...inner,
          node('end', { type: 'end', title: 'End', outputs: [{ variable: 'rounds', value_selector: ['lp', 'loop_round'] }] }),
        ],
        edges: [edge('start', 'lp'), edge('lp', 'end'), ...innerEdges],
      });
      const check = node(
        'check',
        {
          type: 'if-else',
          title: 'Enough?',
          cases: [
            {
              case_id: 'yes',
              logical_operator: 'and',
              conditions: [{ variable_selector: ['lp', 'index'], comparison_operator: '≥', value: '2' }],
            },
          ],
        },
        'lp',
      );
      const stop = node('stop', { type: 'loop-end', title: 'Stop' }, 'lp');
      const goOn = template('go', 'again', [], 'lp');
      const ended = await run(
        loop([check, stop, goOn], [edge('lp-start', 'check'), edge('check', 'stop', 'yes'), edge('check', 'go', 'false')]),
      );
      expect(result(ended)).toMatchObject({ status: 'succeeded', outputs: { rounds: 3 } });
      const failing = await run(
        loop([code('bad', 'function main() { throw new Error("boom") }', { x: 'string' }, [], 'lp')], [edge('lp-start', 'bad')]),
      );
      expect(result(failing)).toMatchObject({ status: 'failed', error: expect.stringMatching(/round 1: .*boom/) });
    });
  });
}
