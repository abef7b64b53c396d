import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.js';
import { registerAccount } from '../helpers/accounts.js';
import { connectFakeModel, createChatApp } from '../helpers/chat-setup.js';
import { backends, backendTitle } from '../helpers/environment.js';
import { postStream } from '../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const scaleOut = backends.find((b) => b.redis)!;

describe.skipIf(scaleOut.skipReason)(`stopping an answer across nodes on ${backendTitle(scaleOut)}`, () => {
  let upstream: FakeOpenAiServer;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let token: string;
  beforeAll(async () => {
    upstream = await new FakeOpenAiServer().start();
    nodeA = await startTestServer(scaleOut);
    nodeB = await startTestServer(scaleOut, {}, nodeA);
    token = (await registerAccount(nodeA)).token;
    await connectFakeModel(nodeA, token, upstream);
  });
  afterAll(async () => {
    await nodeB?.close();
    await nodeA?.close();
    await upstream?.close();
  });

  it('a stop sent to node B ends the answer streaming on node A, which keeps the partial answer', async () => {
    const appId = await createChatApp(nodeA, token);
    const full = `Echo: cross-node ${'word '.repeat(60)}`.trim();
    const stream = await postStream(`${nodeA.baseUrl}/apps/${appId}/conversations`, token, {
      query: `[[chunk_delay:50]] cross-node ${'word '.repeat(60)}`,
    });
    let first = await stream.next();
    while (first?.event === 'ping') first = await stream.next();
    expect(first!.event).toBe('message');

    const stop = await nodeB.post(`/apps/${appId}/conversations/tasks/${first!.data.task_id}/stop`, { token });
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);

    const events = (await stream.all()).filter((e) => e.event !== 'ping');
    expect(events.at(-1)!.event).toBe('message_end');
    expect(events.at(-1)!.data.metadata.status).toBe('stop');
    const stored = (await nodeB.get(`/apps/${appId}/conversations/messages`, { token })).body.data.list[0];
    expect(stored.status).toBe('stop');
    expect(stored.answer.length).toBeGreaterThan(0);
    expect(stored.answer.length).toBeLessThan(full.length);
  });

  it("node B refuses to stop another account's task running on node A", async () => {
    const appId = await createChatApp(nodeA, token);
    const stream = await postStream(`${nodeA.baseUrl}/apps/${appId}/conversations`, token, {
      query: `[[chunk_delay:20]] not yours ${'word '.repeat(10)}`,
    });
    let first = await stream.next();
    while (first?.event === 'ping') first = await stream.next();
    const stranger = await registerAccount(nodeB);
    const stop = await nodeB.post(`/apps/${appId}/conversations/tasks/${first!.data.task_id}/stop`, { token: stranger.token });
    expect(stop.status).toBe(404);
    const events = (await stream.all()).filter((e) => e.event !== 'ping');
    expect(events.at(-1)!.data.metadata.status).toBe('normal');
  });
});
