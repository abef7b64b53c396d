import { CompletionClient } from 'dify-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { parseSse, postStream } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { canvasGraph } from '../../helpers/workflow-graph.js';

const { node, edge } = canvasGraph({ edgeIds: 'source-target' });

/** start(topic) -> llm -> code (length) -> if-else (long?) -> template -> end, else -> end_short; in Dify's canvas shape. */
const storyGraph = {
  nodes: [
    node('start', {
      type: 'start',
      title: 'Start',
      variables: [
        { variable: 'topic', label: 'Topic', type: 'text-input', required: true, max_length: 40 },
        { variable: 'tone', label: 'Tone', type: 'select', required: false, options: ['calm', 'loud'], default: 'calm' },
      ],
    }),
    node('llm', {
      type: 'llm',
      title: 'Writer',
      model: { provider: 'openai_compatible', name: 'fake-chat', mode: 'chat', completion_params: { temperature: 0.2 } },
      prompt_template: [
        { role: 'system', text: 'You write in a {{#start.tone#}} voice.' },
        { role: 'user', text: '[[reply:Once upon a time there was {{#start.topic#}}.]] Tell me about {{#start.topic#}}' },
      ],
      context: { enabled: false, variable_selector: [] },
    }),
    node('code', {
      type: 'code',
      title: 'Measure',
      code_language: 'javascript',
      code: 'function main({ story }) {\n  return { length: story.length, words: story.split(" ") };\n}',
      variables: [{ variable: 'story', value_selector: ['llm', 'text'] }],
      outputs: { length: { type: 'number' }, words: { type: 'array[string]' } },
    }),
    node('check', {
      type: 'if-else',
      title: 'Long?',
      cases: [
        {
          case_id: 'long',
          logical_operator: 'and',
          conditions: [{ variable_selector: ['code', 'length'], comparison_operator: '>', value: '20' }],
        },
      ],
    }),
    node('shout', {
      type: 'template-transform',
      title: 'Shout',
      template: '{{ story | upper }} ({{ words | length }} words)',
      variables: [
        { variable: 'story', value_selector: ['llm', 'text'] },
        { variable: 'words', value_selector: ['code', 'words'] },
      ],
    }),
    node('end', {
      type: 'end',
      title: 'End',
      outputs: [
        { variable: 'story', value_selector: ['llm', 'text'] },
        { variable: 'shout', value_selector: ['shout', 'output'] },
      ],
    }),
    node('end_short', { type: 'end', title: 'Short', outputs: [{ variable: 'story', value_selector: ['llm', 'text'] }] }),
  ],
  edges: [
    edge('start', 'llm'),
    edge('llm', 'code'),
    edge('code', 'check'),
    edge('check', 'shout', 'long'),
    edge('check', 'end_short', 'false'),
    edge('shout', 'end'),
  ],
};

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`workflow apps on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;
    let appId: string;

    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, { ssePingIntervalMs: 1000 });
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream);
      const app = await server.post('/apps', { token, body: { name: 'Story maker', mode: 'workflow' } });
      expect(app.status, JSON.stringify(app.body)).toBe(200);
      expect(app.body.data.mode).toBe('workflow');
      appId = app.body.data.id;
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it('a new workflow app has a draft of start and end; saving checks the graph and names the node and field', async () => {
      const draft = await server.get(`/apps/${appId}/workflows/draft`, { token });
      expect(draft.status).toBe(200);
      expect(draft.body.data.version).toBe('draft');
      expect(draft.body.data.graph.nodes.map((n: { data: { type: string } }) => n.data.type)).toEqual(['start', 'end']);

      const broken = structuredClone(storyGraph);
      (broken.nodes[5]!.data['outputs'] as Array<{ value_selector: string[] }>)[0]!.value_selector = ['ghost', 'text'];
      broken.edges.push(edge('end', 'start'));
      const refused = await server.post(`/apps/${appId}/workflows/draft`, { token, body: { graph: broken } });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/cycle/);
      broken.edges.pop();
      const unresolved = await server.post(`/apps/${appId}/workflows/draft`, { token, body: { graph: broken } });
      expect(unresolved.status).toBe(400);
      expect(unresolved.body.data.problems).toContainEqual(
        expect.objectContaining({ node: 'end', field: 'outputs.0.value_selector', message: expect.stringMatching(/ghost/) }),
      );
      // A chat app's config routes refuse a graph app, and say where its draft is.
      const config = await server.get(`/apps/${appId}/draft-app-config`, { token });
      expect(config.status).toBe(400);
      expect(config.body.message).toMatch(/workflows\/draft/);
    });

    it('saves the graph; a save from a stale read is refused with 409', async () => {
      const before = (await server.get(`/apps/${appId}/workflows/draft`, { token })).body.data.hash;
      const saved = await server.post(`/apps/${appId}/workflows/draft`, { token, body: { graph: storyGraph, hash: before } });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body.data.hash).not.toBe(before);
      const stale = await server.post(`/apps/${appId}/workflows/draft`, { token, body: { graph: storyGraph, hash: before } });
      expect(stale.status).toBe(409);
      const read = await server.get(`/apps/${appId}/workflows/draft`, { token });
      expect(read.body.data.graph.nodes).toHaveLength(7);
      expect(read.body.data.hash).toBe(saved.body.data.hash);
    });

    it('a debug run streams Dify events: nodes in order, LLM tokens as text_chunk, the chosen branch, outputs', async () => {
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/workflows/draft/run`, token, { inputs: { topic: 'a fox' } });
      expect(stream.status).toBe(200);
      const events = (await stream.all()).filter((e) => e.event !== 'ping');
      expect(events[0]!.event).toBe('workflow_started');
      const runId = events[0]!.data.workflow_run_id;
      const finished = events.filter((e) => e.event === 'node_finished').map((e) => e.data.data);
      expect(finished.map((d) => d.node_id)).toEqual(['start', 'llm', 'code', 'check', 'shout', 'end']);
      expect(finished.every((d) => d.status === 'succeeded')).toBe(true);
      const text = events
        .filter((e) => e.event === 'text_chunk')
        .map((e) => e.data.data.text)
        .join('');
      expect(text).toBe('Once upon a time there was a fox.');
      expect(events.find((e) => e.event === 'text_chunk')!.data.data.from_variable_selector).toEqual(['llm', 'text']);
      const last = events.at(-1)!;
      expect(last.event).toBe('workflow_finished');
      expect(last.data.data).toMatchObject({
        status: 'succeeded',
        outputs: { story: 'Once upon a time there was a fox.', shout: 'ONCE UPON A TIME THERE WAS A FOX. (8 words)' },
        total_steps: 6,
      });
      expect(last.data.data.total_tokens).toBeGreaterThan(0);
      const llm = finished.find((d) => d.node_id === 'llm')!;
      expect(llm.execution_metadata.total_tokens).toBeGreaterThan(0);
      expect(llm.process_data.prompts[0]).toEqual({ role: 'system', text: 'You write in a calm voice.' });
      expect(upstream.chatRequests().at(-1)!.body.temperature).toBe(0.2);

      const detail = await server.get(`/apps/${appId}/workflow-runs/${runId}`, { token });
      expect(detail.status).toBe(200);
      expect(detail.body.data).toMatchObject({
        status: 'succeeded',
        version: 'draft',
        triggered_from: 'debugging',
        inputs: { topic: 'a fox', tone: 'calm' },
      });
      expect(detail.body.data.node_executions.map((n: { node_id: string }) => n.node_id)).toEqual([
        'start',
        'llm',
        'code',
        'check',
        'shout',
        'end',
      ]);
      expect(detail.body.data.node_executions[2].outputs).toEqual({
        length: 33,
        words: ['Once', 'upon', 'a', 'time', 'there', 'was', 'a', 'fox.'],
      });
      const list = await server.get(`/apps/${appId}/workflow-runs`, { token });
      expect(list.body.data.list[0].id).toBe(runId);
    });

    it('runs one node of the draft with the values it reads given by hand', async () => {
      const ran = await server.post(`/apps/${appId}/workflows/draft/nodes/code/run`, {
        token,
        body: { inputs: { '#llm.text#': 'one two three' } },
      });
      expect(ran.status, JSON.stringify(ran.body)).toBe(200);
      expect(ran.body.data).toMatchObject({
        node_id: 'code',
        status: 'succeeded',
        outputs: { length: 13, words: ['one', 'two', 'three'] },
      });
      const llm = await server.post(`/apps/${appId}/workflows/draft/nodes/llm/run`, {
        token,
        body: { inputs: { 'start.topic': 'bees', 'start.tone': 'dry' } },
      });
      expect(llm.body.data).toMatchObject({ status: 'succeeded', outputs: { text: 'Once upon a time there was bees.' } });
      expect(llm.body.data.execution_metadata.total_tokens).toBeGreaterThan(0);
      const failed = await server.post(`/apps/${appId}/workflows/draft/nodes/code/run`, { token, body: { inputs: {} } });
      expect(failed.body.data).toMatchObject({ status: 'failed', error: expect.stringMatching(/TypeError|undefined/) });
      expect((await server.post(`/apps/${appId}/workflows/draft/nodes/ghost/run`, { token, body: { inputs: {} } })).status).toBe(404);
      expect((await server.post(`/apps/${appId}/workflows/draft/nodes/end/run`, { token, body: { inputs: {} } })).status).toBe(400);
    });

    it('a missing required input is refused before the run starts', async () => {
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/workflows/draft/run`, token, { inputs: { tone: 'loud' } });
      expect(stream.status).toBe(400);
      expect((await stream.json()).message).toMatch(/topic is required/);
    });

    it('published: the official dify-client runs it blocking and streaming; runs, logs, parameters and info answer as Dify', async () => {
      const published = await server.post(`/apps/${appId}/publish`, { token });
      expect(published.status, JSON.stringify(published.body)).toBe(200);
      expect(published.body.data.version).toBe(1);
      const key = await server.post(`/apps/${appId}/api-keys`, { token, body: {} });
      // dify-client 2.3.2 has runWorkflow, though its type declarations leave it out.
      const dify = new CompletionClient(key.body.data.key, `${server.baseUrl}/v1`) as CompletionClient & {
        runWorkflow(inputs: Record<string, unknown>, user: string, stream?: boolean): Promise<{ data: any }>;
      };

      const blocking = await dify.runWorkflow({ topic: 'an owl', tone: 'loud' }, 'user-1');
      expect(blocking.data).toMatchObject({ task_id: blocking.data.workflow_run_id, data: { status: 'succeeded' } });
      expect(blocking.data.data.outputs.story).toBe('Once upon a time there was an owl.');

      const streaming = await dify.runWorkflow({ topic: 'a cat' }, 'user-2', true);
      let body = '';
      for await (const chunk of streaming.data) body += String(chunk);
      const events = parseSse(body).filter((e) => e.event !== 'ping');
      expect(events.map((e) => e.event)).toContain('text_chunk');
      expect(events.at(-1)!.data).toMatchObject({
        event: 'workflow_finished',
        data: { status: 'succeeded', outputs: { story: 'Once upon a time there was a cat.' } },
      });

      const headers = { authorization: `Bearer ${key.body.data.key}` };
      const run = await fetch(`${server.baseUrl}/v1/workflows/run/${blocking.data.workflow_run_id}`, { headers });
      expect((await run.json()) as any).toMatchObject({
        id: blocking.data.workflow_run_id,
        status: 'succeeded',
        inputs: { topic: 'an owl', tone: 'loud' },
        total_steps: 6,
      });
      const logs = (await (await fetch(`${server.baseUrl}/v1/workflows/logs?keyword=owl`, { headers })).json()) as any;
      expect(logs).toMatchObject({ page: 1, total: 1, has_more: false });
      expect(logs.data[0]).toMatchObject({
        workflow_run: { id: blocking.data.workflow_run_id, status: 'succeeded' },
        created_by_end_user: { session_id: 'user-1' },
      });
      const all = (await (await fetch(`${server.baseUrl}/v1/workflows/logs?status=succeeded`, { headers })).json()) as any;
      expect(all.total).toBe(2);

      const parameters = await dify.getApplicationParameters('user-1');
      expect(parameters.data.user_input_form).toEqual([
        { 'text-input': { label: 'Topic', variable: 'topic', required: true, max_length: 40 } },
        { select: { label: 'Tone', variable: 'tone', required: false, options: ['calm', 'loud'], default: 'calm' } },
      ]);
      expect(((await (await fetch(`${server.baseUrl}/v1/info`, { headers })).json()) as any).mode).toBe('workflow');

      const chat = await fetch(`${server.baseUrl}/v1/chat-messages`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'hi', user: 'u', inputs: {}, response_mode: 'blocking' }),
      });
      expect(chat.status).toBe(400);
      expect(((await chat.json()) as any).code).toBe('not_chat_app');
      const bad = await fetch(`${server.baseUrl}/v1/workflows/run`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { topic: 'x'.repeat(41) }, user: 'u' }),
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ code: 'invalid_param', message: 'topic in input form must be less than 40 characters' });
    });

    it('the public web app runs the published workflow for a visitor, and only that visitor may stop it', async () => {
      const link = (await server.get(`/apps/${appId}`, { token })).body.data.web_app_token;
      const info = await server.get(`/web-apps/${link}`);
      expect(info.body.data).toMatchObject({ name: 'Story maker', mode: 'workflow' });
      expect(info.body.data.user_input_form[0]['text-input'].variable).toBe('topic');
      const res = await fetch(`${server.baseUrl}/web-apps/${link}/workflows/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { topic: 'a moth' } }),
      });
      expect(res.status).toBe(200);
      const events = parseSse(await res.text());
      expect(events.at(-1)!.data).toMatchObject({
        event: 'workflow_finished',
        data: { status: 'succeeded', outputs: { story: 'Once upon a time there was a moth.' } },
      });
      const runId = events[0]!.data.workflow_run_id;
      const stranger = await fetch(`${server.baseUrl}/web-apps/${link}/workflows/tasks/${runId}/stop`, { method: 'POST' });
      expect(stranger.status).toBe(404);
      const chat = await fetch(`${server.baseUrl}/web-apps/${link}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'hi' }),
      });
      expect(chat.status).toBe(400);
    });

    it('versions: the history lists the graph, fallback copies it into the draft, a copy of the app keeps its graph', async () => {
      await server.post(`/apps/${appId}/workflows/draft`, {
        token,
        body: {
          graph: { ...storyGraph, nodes: storyGraph.nodes.slice(0, 6), edges: storyGraph.edges.filter((e) => e.target !== 'end_short') },
        },
      });
      const history = await server.get(`/apps/${appId}/publish-histories`, { token });
      expect(history.status).toBe(200);
      expect(history.body.data.list).toHaveLength(1);
      expect(history.body.data.list[0].workflow.graph.nodes).toHaveLength(7);
      const back = await server.post(`/apps/${appId}/fallback-history`, {
        token,
        body: { app_config_version_id: history.body.data.list[0].id },
      });
      expect(back.status, JSON.stringify(back.body)).toBe(200);
      expect(back.body.data.graph.nodes).toHaveLength(7);
      const copy = await server.post(`/apps/${appId}/copy`, { token });
      expect(copy.body.data.mode).toBe('workflow');
      const copied = await server.get(`/apps/${copy.body.data.id}/workflows/draft`, { token });
      expect(copied.body.data.graph.nodes).toHaveLength(7);
    });

    it("another workspace's member sees none of it", async () => {
      const other = (await registerAccount(server)).token;
      const runs = await server.get(`/apps/${appId}/workflow-runs`, { token });
      for (const res of [
        await server.get(`/apps/${appId}/workflows/draft`, { token: other }),
        await server.post(`/apps/${appId}/workflows/draft`, { token: other, body: { graph: storyGraph } }),
        await server.get(`/apps/${appId}/workflow-runs`, { token: other }),
        await server.get(`/apps/${appId}/workflow-runs/${runs.body.data.list[0].id}`, { token: other }),
        await server.post(`/apps/${appId}/workflow-runs/tasks/${runs.body.data.list[0].id}/stop`, { token: other }),
        await server.post(`/apps/${appId}/workflows/draft/run`, { token: other, body: { inputs: { topic: 'x' } } }),
        await server.post(`/apps/${appId}/workflows/draft/nodes/code/run`, { token: other, body: { inputs: {} } }),
        await server.get(`/apps/${appId}/export`, { token: other }),
      ]) {
        expect(res.status).toBe(404);
      }
    });
  });
}
