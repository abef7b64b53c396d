import { describe, expect, it } from 'vitest';
import { registerAccount } from '../../helpers/accounts.js';
import { createChatApp } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { postStream } from '../../helpers/sse-client.js';
import { useTwoNodes } from '../../helpers/two-nodes.js';

const scaleOut = backends.find((b) => b.redis)!;

describe.skipIf(scaleOut.skipReason)(`stopping an answer across nodes on ${backendTitle(scaleOut)}`, () => {
  const nodes = useTwoNodes(scaleOut);

  it('a stop sent to node B ends the answer streaming on node A, which keeps the partial answer', async () => {
    const appId = await createChatApp(nodes.nodeA, nodes.token);
    const full = `Echo: cross-node ${'word '.repeat(60)}`.trim();
    const stream = await postStream(`${nodes.nodeA.baseUrl}/apps/${appId}/conversations`, nodes.token, {
      query: `[[chunk_delay:50]] cross-node ${'word '.repeat(60)}`,
    });
    let first = await stream.next();
    while (first?.event === 'ping') first = await stream.next();
    expect(first!.event).toBe('message');

    const stop = await nodes.nodeB.post(`/apps/${appId}/conversations/tasks/${first!.data.task_id}/stop`, { token: nodes.token });
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);

    const events = (await stream.all()).filter((e) => e.event !== 'ping');
    expect(events.at(-1)!.event).toBe('message_end');
    expect(events.at(-1)!.data.metadata.status).toBe('stop');
    const stored = (await nodes.nodeB.get(`/apps/${appId}/conversations/messages`, { token: nodes.token })).body.data.list[0];
    expect(stored.status).toBe('stop');
    expect(stored.answer.length).toBeGreaterThan(0);
    expect(stored.answer.length).toBeLessThan(full.length);
  });

  it("node B refuses to stop another account's task running on node A", async () => {
    const appId = await createChatApp(nodes.nodeA, nodes.token);
    const stream = await postStream(`${nodes.nodeA.baseUrl}/apps/${appId}/conversations`, nodes.token, {
      query: `[[chunk_delay:20]] not yours ${'word '.repeat(10)}`,
    });
    let first = await stream.next();
    while (first?.event === 'ping') first = await stream.next();
    const stranger = await registerAccount(nodes.nodeB);
    const stop = await nodes.nodeB.post(`/apps/${appId}/conversations/tasks/${first!.data.task_id}/stop`, { token: stranger.token });
    expect(stop.status).toBe(404);
    const events = (await stream.all()).filter((e) => e.event !== 'ping');
    expect(events.at(-1)!.data.metadata.status).toBe('normal');
  });
});
