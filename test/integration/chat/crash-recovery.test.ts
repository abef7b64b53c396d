import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp, debugChat } from '../../helpers/chat-setup.js';
import { HttpClient } from '../../helpers/http-client.js';
import { spawnServer } from '../../helpers/server-process.js';
import { postStream } from '../../helpers/sse-client.js';

describe('kill -9 while answers stream (embedded database)', () => {
  let upstream: FakeOpenAiServer;
  let storageDir: string;
  beforeAll(async () => {
    upstream = await new FakeOpenAiServer().start();
    storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-crash-'));
  });
  afterAll(async () => {
    await upstream?.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  it('after a restart the cut answers read as interrupted everywhere, never as half-written successes, and the conversations go on', async () => {
    const env = { STORAGE_DIR: storageDir, SECRET_KEY: 'crash-test-secret-key-0123456789abcdefgh' };
    const first = await spawnServer(env);
    const client = new HttpClient(first.baseUrl);
    const { token } = await registerAccount(client);
    await connectFakeModel(client, token, upstream);
    const appId = await createChatApp(client, token);
    expect((await client.post(`/apps/${appId}/publish`, { token })).status).toBe(200);
    const key = (await client.post(`/apps/${appId}/api-keys`, { token, body: { remark: 'crash' } })).body.data.key as string;

    // One answer finishes before the crash; the others are mid-stream when it comes.
    const done = await debugChat(client, token, appId, 'finished before the crash');
    expect(done.at(-1)?.event).toBe('message_end');
    const debugStream = await postStream(`${first.baseUrl}/apps/${appId}/conversations`, token, {
      query: '[[chunk_delay:600000]] cut in the debugger',
    });
    const serviceStreams = await Promise.all(
      [1, 2, 3].map((n) =>
        postStream(`${first.baseUrl}/v1/chat-messages`, key, {
          query: `[[chunk_delay:600000]] cut for user ${n}`,
          user: `user-${n}`,
          inputs: {},
          response_mode: 'streaming',
        }),
      ),
    );
    const conversationIds: string[] = [];
    for (const stream of [debugStream, ...serviceStreams]) {
      const event = await stream.next();
      expect(event?.event).toBe('message');
      conversationIds.push(event!.data.conversation_id);
    }
    first.child.kill('SIGKILL');
    await first.exited;
    for (const stream of [debugStream, ...serviceStreams]) await stream.all().catch(() => undefined);

    const second = await spawnServer(env);
    try {
      const again = new HttpClient(second.baseUrl);
      expect(second.output()).toContain('marked interrupted');
      const debug = (await again.get(`/apps/${appId}/conversations/messages`, { token })).body.data.list as any[];
      expect(debug.map((m) => [m.query, m.status])).toEqual([
        ['[[chunk_delay:600000]] cut in the debugger', 'interrupted'],
        ['finished before the crash', 'normal'],
      ]);
      expect(debug[0].error).toMatch(/interrupted/);

      for (const n of [1, 2, 3]) {
        const conversationId = conversationIds[n]!;
        const listed = await fetch(`${second.baseUrl}/v1/messages?user=user-${n}&conversation_id=${conversationId}`, {
          headers: { authorization: `Bearer ${key}` },
        });
        const body = (await listed.json()) as any;
        expect(listed.status, JSON.stringify(body)).toBe(200);
        expect(body.data).toHaveLength(1);
        expect(body.data[0]).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/interrupted/) });

        // The conversation goes on; the interrupted turn is not fed back to the model as memory.
        const next = await fetch(`${second.baseUrl}/v1/chat-messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            query: `again ${n}`,
            user: `user-${n}`,
            conversation_id: conversationId,
            inputs: {},
            response_mode: 'blocking',
          }),
        });
        const answer = (await next.json()) as any;
        expect(next.status, JSON.stringify(answer)).toBe(200);
        expect(answer.answer).toBe(`Echo: again ${n}`);
        const prompt = JSON.stringify(upstream.chatRequests().at(-1)!.body.messages);
        expect(prompt).not.toContain(`cut for user ${n}`);
      }
    } finally {
      await second.stop();
    }
  });

  it('a workflow run cut by kill -9 reads as failed, with the reason, after a restart', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'llmops-crash-wf-'));
    const env = { STORAGE_DIR: dir, SECRET_KEY: 'crash-test-secret-key-0123456789abcdefgh' };
    const first = await spawnServer(env);
    let second: Awaited<ReturnType<typeof spawnServer>> | undefined;
    try {
      const client = new HttpClient(first.baseUrl);
      const { token } = await registerAccount(client);
      await connectFakeModel(client, token, upstream);
      const app = (await client.post('/apps', { token, body: { name: 'Slow flow', mode: 'workflow' } })).body.data;
      const graph = {
        nodes: [
          { id: 'start', data: { type: 'start', title: 'Start', variables: [] } },
          {
            id: 'llm',
            data: {
              type: 'llm',
              title: 'Slow',
              model: { provider: 'openai_compatible', name: 'fake-chat', completion_params: {} },
              prompt_template: [{ role: 'user', text: '[[chunk_delay:600000]] take your time' }],
            },
          },
          { id: 'end', data: { type: 'end', title: 'End', outputs: [{ variable: 'text', value_selector: ['llm', 'text'] }] } },
        ],
        edges: [
          { source: 'start', target: 'llm' },
          { source: 'llm', target: 'end' },
        ],
      };
      expect((await client.post(`/apps/${app.id}/workflows/draft`, { token, body: { graph } })).status).toBe(200);
      expect((await client.post(`/apps/${app.id}/publish`, { token })).status).toBe(200);
      const key = (await client.post(`/apps/${app.id}/api-keys`, { token, body: {} })).body.data.key as string;
      const stream = await postStream(`${first.baseUrl}/v1/workflows/run`, key, { inputs: {}, user: 'u', response_mode: 'streaming' });
      let event = await stream.next();
      while (event && event.event !== 'text_chunk') event = await stream.next();
      const runId = event!.data.workflow_run_id as string;
      first.child.kill('SIGKILL');
      await first.exited;
      await stream.all().catch(() => undefined);

      second = await spawnServer(env);
      expect(second.output()).toContain('workflow runs left unfinished by a stopped process marked failed');
      const res = await fetch(`${second.baseUrl}/v1/workflows/run/${runId}`, { headers: { authorization: `Bearer ${key}` } });
      expect(await res.json()).toMatchObject({
        id: runId,
        status: 'failed',
        error: expect.stringMatching(/interrupted/),
        finished_at: expect.any(Number),
      });
    } finally {
      if (!first.child.killed) first.child.kill('SIGKILL');
      await second?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
