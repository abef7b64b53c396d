import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { connectFakeModel, createChatApp, debugChat } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { inviteNewMember } from '../../helpers/teams.js';
import { useTwoNodes } from '../../helpers/two-nodes.js';

const scaleOut = backends.find((b) => b.redis)!;

/**
 * Apps, app keys, web-app links and provider credentials are cached in memory on every node (the
 * chat hot path reads them on every request); a change made on one node must reach every node's
 * next request, with no wait.
 */
describe.skipIf(scaleOut.skipReason)(`hot caches across nodes on ${backendTitle(scaleOut)}`, () => {
  const nodes = useTwoNodes(scaleOut);
  let other: FakeOpenAiServer;
  beforeAll(async () => {
    other = await new FakeOpenAiServer().start();
  });
  afterAll(async () => {
    await other?.close();
  });

  async function publishedApp() {
    const appId = await createChatApp(nodes.nodeA, nodes.token);
    expect((await nodes.nodeA.post(`/apps/${appId}/publish`, { token: nodes.token })).status).toBe(200);
    const key = (await nodes.nodeA.post(`/apps/${appId}/api-keys`, { token: nodes.token, body: {} })).body.data;
    return { appId, key: key.key as string, keyId: key.id as string };
  }

  it('a key made inactive or deleted on node B is refused by node A at once', async () => {
    const { appId, key, keyId } = await publishedApp();
    expect((await nodes.nodeA.get('/v1/parameters', { token: key })).status).toBe(200);
    expect((await nodes.nodeB.post(`/apps/${appId}/api-keys/${keyId}`, { token: nodes.token, body: { is_active: false } })).status).toBe(
      200,
    );
    expect((await nodes.nodeA.get('/v1/parameters', { token: key })).status).toBe(401);
    expect((await nodes.nodeB.post(`/apps/${appId}/api-keys/${keyId}`, { token: nodes.token, body: { is_active: true } })).status).toBe(
      200,
    );
    expect((await nodes.nodeA.get('/v1/parameters', { token: key })).status).toBe(200);
    expect((await nodes.nodeB.post(`/apps/${appId}/api-keys/${keyId}/delete`, { token: nodes.token })).status).toBe(200);
    expect((await nodes.nodeA.get('/v1/parameters', { token: key })).status).toBe(401);
  });

  it('an app unpublished on node B stops answering its key and its web-app link on node A', async () => {
    const { appId, key } = await publishedApp();
    const link = (await nodes.nodeA.get(`/apps/${appId}`, { token: nodes.token })).body.data.web_app_token as string;
    expect((await nodes.nodeA.get(`/web-apps/${link}`)).status).toBe(200);
    expect((await nodes.nodeA.get('/v1/parameters', { token: key })).status).toBe(200);
    expect((await nodes.nodeB.post(`/apps/${appId}/cancel-publish`, { token: nodes.token })).status).toBe(200);
    expect((await nodes.nodeA.get(`/web-apps/${link}`)).status).toBe(404);
    expect((await nodes.nodeA.get('/v1/parameters', { token: key })).status).not.toBe(200);
  });

  it('a draft saved on node B is what node A debugs with next', async () => {
    const appId = await createChatApp(nodes.nodeA, nodes.token, { preset_prompt: 'first prompt' });
    await debugChat(nodes.nodeA, nodes.token, appId, 'warm the cache');
    const saved = await nodes.nodeB.post(`/apps/${appId}/draft-app-config`, {
      token: nodes.token,
      body: { preset_prompt: 'second prompt' },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    await debugChat(nodes.nodeA, nodes.token, appId, 'which prompt now');
    const system = nodes.upstream.chatRequests().at(-1)!.body.messages[0];
    expect(system).toMatchObject({ role: 'system', content: expect.stringContaining('second prompt') });
  });

  it("credentials changed on node B send node A's next chat to the new base URL", async () => {
    const appId = await createChatApp(nodes.nodeA, nodes.token);
    await debugChat(nodes.nodeA, nodes.token, appId, 'to the first nodes.upstream');
    const before = other.chatRequests().length;
    await connectFakeModel(nodes.nodeB, nodes.token, other);
    const events = await debugChat(nodes.nodeA, nodes.token, appId, 'to the other nodes.upstream');
    expect(events.map((e) => e.event)).toContain('message_end');
    expect(other.chatRequests().length).toBe(before + 1);
  });

  it('a member removed or demoted on node B is refused by node A on the next request', async () => {
    const appId = await createChatApp(nodes.nodeA, nodes.token);
    const editor = await inviteNewMember(nodes.nodeA, nodes.token, 'editor');
    const other = await inviteNewMember(nodes.nodeA, nodes.token, 'editor');
    // Both sessions are cached on node A now.
    expect((await nodes.nodeA.get(`/apps/${appId}`, { token: editor.token })).status).toBe(200);
    expect((await nodes.nodeA.get(`/apps/${appId}`, { token: other.token })).status).toBe(200);
    await debugChat(nodes.nodeA, editor.token, appId, 'from the editor');

    expect((await nodes.nodeB.post(`/workspaces/current/members/${editor.id}/delete`, { token: nodes.token })).status).toBe(200);
    expect((await nodes.nodeA.get(`/apps/${appId}`, { token: editor.token })).status).toBe(404);
    const chat = await nodes.nodeA.post(`/apps/${appId}/conversations`, { token: editor.token, body: { query: 'still here?' } });
    expect(chat.status).toBe(404);

    const demoted = await nodes.nodeB.post(`/workspaces/current/members/${other.id}/role`, {
      token: nodes.token,
      body: { role: 'normal' },
    });
    expect(demoted.status).toBe(200);
    expect((await nodes.nodeA.post(`/apps/${appId}`, { token: other.token, body: { name: 'x' } })).status).toBe(403);
  });
});
