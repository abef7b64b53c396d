import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { startLocalSite, type LocalSite } from '../../helpers/local-site.js';
import { postStream, type SseEvent } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { canvasEnd, canvasGraph, type CanvasNode } from '../../helpers/workflow-graph.js';

const { node, edge, chain } = canvasGraph({ edgeIds: 'source-target' });
const start = (variables: unknown[] = []) => node('start', { type: 'start', title: 'Start', variables });
/** start -> the given nodes in a line -> end. */
const line = (nodes: CanvasNode[], outputs: Array<[string, string[]]>, variables: unknown[] = []) =>
  chain([start(variables), ...nodes, canvasEnd(outputs)]);
const code = (id: string, source: string, outputs: Record<string, string>, extra: Record<string, unknown> = {}) =>
  node(id, {
    type: 'code',
    title: id,
    code_language: 'javascript',
    code: source,
    variables: [],
    outputs: Object.fromEntries(Object.entries(outputs).map(([k, type]) => [k, { type }])),
    ...extra,
  });

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`workflow nodes on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let site: LocalSite;
    let token: string;
    const seen: Array<{ method: string; url: string; headers: Record<string, unknown>; body: string }> = [];

    /** A new workflow app with this graph saved (and published when asked); answers its id. */
    const appWith = async (graph: unknown, extra: Record<string, unknown> = {}) => {
      const app = await server.post('/apps', { token, body: { name: 'Nodes', mode: 'workflow' } });
      const saved = await server.post(`/apps/${app.body.data.id}/workflows/draft`, { token, body: { graph, ...extra } });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      return app.body.data.id as string;
    };
    const run = async (appId: string, inputs: Record<string, unknown> = {}): Promise<SseEvent[]> => {
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/workflows/draft/run`, token, { inputs });
      expect(stream.status).toBe(200);
      return (await stream.all()).filter((e) => e.event !== 'ping');
    };
    const finished = (events: SseEvent[]) => events.at(-1)!.data.data;
    const nodeOf = (events: SseEvent[], id: string) =>
      events.find((e) => e.event === 'node_finished' && e.data.data.node_id === id)?.data.data;

    beforeAll(async () => {
      site = await startLocalSite((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
          seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
          res.setHeader('content-type', 'application/json');
          res.statusCode = req.url?.startsWith('/missing') ? 404 : 200;
          res.end(JSON.stringify({ ok: req.url !== '/missing', echo: body }));
        });
      });
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, { ssrfAllowHosts: site.host, codeTimeoutMs: 1500 });
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream);
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
      await site?.close();
    });

    it('http-request: method, params, headers, auth from a secret environment variable, JSON body; any status is an answer', async () => {
      const http = node('http', {
        type: 'http-request',
        title: 'Call',
        method: 'post',
        url: `http://${site.host}/items`,
        params: 'q:{{#start.term#}}\nlimit:5',
        headers: 'X-Trace:{{#start.term#}}-1',
        authorization: { type: 'api-key', config: { type: 'bearer', api_key: '{{#env.API_TOKEN#}}' } },
        body: { type: 'json', data: [{ key: '', type: 'text', value: '{"term": "{{#start.term#}}"}' }] },
        timeout: { connect: 5, read: 5, write: 5 },
      });
      const missing = node('miss', {
        type: 'http-request',
        title: 'Miss',
        method: 'get',
        url: `http://${site.host}/missing`,
        headers: '',
        params: '',
        body: { type: 'none', data: [] },
      });
      const appId = await appWith(
        line(
          [http, missing],
          [
            ['status', ['http', 'status_code']],
            ['body', ['http', 'body']],
            ['missing', ['miss', 'status_code']],
          ],
          [{ variable: 'term', label: 'Term', type: 'text-input', required: true }],
        ),
        { environment_variables: [{ name: 'API_TOKEN', value_type: 'secret', value: 'tok-s3cret-value' }] },
      );
      const draft = await server.get(`/apps/${appId}/workflows/draft`, { token });
      expect(draft.body.data.environment_variables[0].value).toBe('[__HIDDEN__]');
      const stored = await server.module.database.db.execute(`SELECT spec FROM workflows WHERE app_id = '${appId}'` as never);
      expect(stored.rows).toHaveLength(1);
      expect(JSON.stringify(stored.rows)).not.toContain('tok-s3cret');

      const events = await run(appId, { term: 'kiwi' });
      expect(finished(events), JSON.stringify(events.at(-1))).toMatchObject({
        status: 'succeeded',
        outputs: { status: 200, missing: 404 },
      });
      expect(JSON.parse(finished(events).outputs.body)).toEqual({ ok: true, echo: '{"term": "kiwi"}' });
      const call = seen.find((s) => s.url.startsWith('/items'))!;
      expect(call).toMatchObject({ method: 'POST', url: '/items?q=kiwi&limit=5', body: '{"term": "kiwi"}' });
      expect(call.headers).toMatchObject({
        authorization: 'Bearer tok-s3cret-value',
        'x-trace': 'kiwi-1',
        'content-type': 'application/json',
      });

      // Saving again with the hidden marker keeps the secret.
      const again = await server.post(`/apps/${appId}/workflows/draft`, {
        token,
        body: { graph: draft.body.data.graph, environment_variables: draft.body.data.environment_variables },
      });
      expect(again.status).toBe(200);
      await run(appId, { term: 'fig' });
      expect(seen.at(-2)!.headers.authorization).toBe('Bearer tok-s3cret-value');
    });

    it('http-request refuses a private address not on the allow list, and the node fails with the reason', async () => {
      const appId = await appWith(
        line(
          [
            node('http', {
              type: 'http-request',
              title: 'Inside',
              method: 'get',
              url: 'http://10.1.2.3/admin',
              headers: '',
              params: '',
              body: null,
            }),
          ],
          [['s', ['http', 'status_code']]],
        ),
      );
      const events = await run(appId);
      expect(finished(events).status).toBe('failed');
      expect(nodeOf(events, 'http')).toMatchObject({ status: 'failed', error: expect.stringMatching(/private|not allowed|blocked/i) });
    });

    it('code: a thrown error, a wrong output type, an endless loop and a blown heap each fail the node with a message; the server lives on', async () => {
      const cases: Array<[string, Record<string, string>, RegExp]> = [
        ['function main() { throw new RangeError("no luck") }', { x: 'string' }, /RangeError: no luck/],
        ['function main() { return { x: 5 } }', { x: 'string' }, /output x must be a string, not a number/],
        ['function main() { return { y: 1 } }', { x: 'string' }, /output x is missing/],
        ['function main() { while (true) {} }', { x: 'string' }, /time limit/],
        ['function main() { const a = []; while (true) a.push("x".repeat(100000)); }', { x: 'string' }, /memory|time limit/],
        ['const fs = require("fs"); function main() { return { x: "" } }', { x: 'string' }, /require is not defined/],
      ];
      for (const [source, outputs, error] of cases) {
        const appId = await appWith(line([code('c', source, outputs)], [['x', ['c', 'x']]]));
        const events = await run(appId);
        expect(nodeOf(events, 'c'), source).toMatchObject({ status: 'failed', error: expect.stringMatching(error) });
        expect(finished(events).status).toBe('failed');
      }
      const python = await appWith(
        line(
          [code('c', 'import numpy\ndef main():\n  return {"x": "1"}', { x: 'string' }, { code_language: 'python3' })],
          [['x', ['c', 'x']]],
        ),
      );
      expect(nodeOf(await run(python), 'c').error).toBe("the sandbox has no module numpy (only Python's standard library is available)");
      expect((await server.get('/ping', {})).status).toBe(200);
    });

    it('code: inputs from earlier nodes, an async main, every output type; default-value and fail-branch strategies', async () => {
      const first = code(
        'a',
        'async function main({ n }) { return { list: [n, n * 2], obj: { deep: { n } }, ok: true } }',
        {
          list: 'array[number]',
          obj: 'object',
          ok: 'boolean',
        },
        { variables: [{ variable: 'n', value_selector: ['start', 'n'] }] },
      );
      const failing = code(
        'b',
        'function main() { throw new Error("down") }',
        { msg: 'string' },
        {
          error_strategy: 'default-value',
          default_value: [{ key: 'msg', type: 'string', value: 'fallback' }],
        },
      );
      const python = code(
        'p',
        'import statistics\n\ndef main(values: list) -> dict:\n    return {"mean": statistics.mean(values), "label": f"{len(values)} values"}',
        { mean: 'number', label: 'string' },
        { code_language: 'python3', variables: [{ variable: 'values', value_selector: ['a', 'list'] }] },
      );
      const appId = await appWith(
        line(
          [first, python, failing],
          [
            ['list', ['a', 'list']],
            ['obj', ['a', 'obj']],
            ['msg', ['b', 'msg']],
            ['mean', ['p', 'mean']],
            ['label', ['p', 'label']],
          ],
          [{ variable: 'n', label: 'N', type: 'number', required: true }],
        ),
      );
      const events = await run(appId, { n: '21' });
      expect(finished(events)).toMatchObject({
        status: 'partial-succeeded',
        exceptions_count: 1,
        outputs: { list: [21, 42], obj: { deep: { n: 21 } }, msg: 'fallback', mean: 31.5, label: '2 values' },
      });
      expect(nodeOf(events, 'b')).toMatchObject({ status: 'exception', error: 'down' });

      const branch = {
        nodes: [
          start(),
          code('c', 'function main() { throw new Error("broken") }', { x: 'string' }, { error_strategy: 'fail-branch' }),
          node('ok', { type: 'template-transform', title: 'ok', template: 'fine', variables: [] }),
          node('recover', {
            type: 'template-transform',
            title: 'recover',
            template: 'caught: {{ m }}',
            variables: [{ variable: 'm', value_selector: ['c', 'error_message'] }],
          }),
          node('end', { type: 'end', title: 'End', outputs: [{ variable: 'r', value_selector: ['recover', 'output'] }] }),
        ],
        edges: [edge('start', 'c'), edge('c', 'ok'), edge('c', 'recover', 'fail-branch'), edge('recover', 'end')],
      };
      const result = finished(await run(await appWith(branch)));
      expect(result).toMatchObject({ status: 'partial-succeeded', outputs: { r: 'caught: broken' } });
    });

    it('template-transform: Jinja2 loops, filters and conditionals; a template error fails the node', async () => {
      const template = node('t', {
        type: 'template-transform',
        title: 't',
        template: '{% for item in items %}{{ loop.index }}. {{ item.name | title }}{% if not loop.last %}, {% endif %}{% endfor %}',
        variables: [{ variable: 'items', value_selector: ['c', 'items'] }],
      });
      const source = code('c', 'function main() { return { items: [{ name: "apple pie" }, { name: "plum" }] } }', {
        items: 'array[object]',
      });
      const events = await run(await appWith(line([source, template], [['out', ['t', 'output']]])));
      expect(finished(events).outputs.out).toBe('1. Apple Pie, 2. Plum');
      const broken = node('t', { type: 'template-transform', title: 't', template: '{% for x in %}', variables: [] });
      expect(nodeOf(await run(await appWith(line([broken], [['out', ['t', 'output']]]))), 't').status).toBe('failed');
    });

    it('a stop lands on the running run: the LLM call is cut and the run ends stopped', async () => {
      const llm = node('llm', {
        type: 'llm',
        title: 'Slow',
        model: { provider: 'openai_compatible', name: 'fake-chat', mode: 'chat', completion_params: {} },
        prompt_template: [{ role: 'user', text: '[[chunk_delay:200]] tell a very long story about the sea and its many moods' }],
      });
      const appId = await appWith(line([llm], [['text', ['llm', 'text']]]));
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/workflows/draft/run`, token, { inputs: {} });
      let first = await stream.next();
      while (first && first.event !== 'text_chunk') first = await stream.next();
      const runId = first!.data.workflow_run_id;
      const stop = await server.post(`/apps/${appId}/workflow-runs/tasks/${runId}/stop`, { token });
      expect(stop.status).toBe(200);
      const rest = await stream.all();
      expect(rest.at(-1)!.data).toMatchObject({ event: 'workflow_finished', data: { status: 'stopped' } });
      const detail = await server.get(`/apps/${appId}/workflow-runs/${runId}`, { token });
      expect(detail.body.data.status).toBe('stopped');
      expect(upstream.chatRequests().at(-1)!.aborted).toBe(true);
    });
  });
}
