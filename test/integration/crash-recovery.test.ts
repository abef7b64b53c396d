import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.js';
import { registerAccount } from '../helpers/accounts.js';
import { connectFakeModel, createChatApp, debugChat } from '../helpers/chat-setup.js';
import { HttpClient } from '../helpers/http-client.js';
import { spawnServer } from '../helpers/server-process.js';
import { postStream } from '../helpers/sse-client.js';

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
});
