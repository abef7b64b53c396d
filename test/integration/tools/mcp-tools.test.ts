import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { McpTestServer } from '../../fixtures/mcp-test-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { postStream } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`MCP servers on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let mcp: McpTestServer;
    let token: string;

    beforeAll(async () => {
      mcp = await new McpTestServer().start();
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, { ssrfAllowHosts: `127.0.0.1:${mcp.port}` });
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream, { features: ['tool_call', 'stream'] });
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
      await mcp?.close();
    });

    it('adds a server over Streamable HTTP, lists and keeps its tools, masks its headers, and an agent calls them', async () => {
      const created = await server.post('/mcp-servers', {
        token,
        body: { name: 'Test tools', server_url: mcp.streamableUrl, headers: [{ key: 'Authorization', value: 'Bearer mcp-secret-98765' }] },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const id = created.body.data.id;
      expect(created.body.data.tools.map((t: any) => t.name)).toEqual(['add', 'shout', 'fail']);
      expect(created.body.data.tools[0].inputs.properties).toEqual({ a: { type: 'number' }, b: { type: 'number' } });
      expect(JSON.stringify(created.body)).not.toContain('mcp-secret-98765');
      expect(mcp.authorizations.at(-1)).toBe('Bearer mcp-secret-98765');
      expect((await server.get('/mcp-servers', { token })).body.data.map((s: any) => s.id)).toEqual([id]);

      const other = (await registerAccount(server, 'Other')).token;
      expect((await server.get(`/mcp-servers/${id}`, { token: other })).status).toBe(404);
      expect((await server.post(`/mcp-servers/${id}/refresh`, { token: other })).status).toBe(404);

      const appId = await createChatApp(server, token, {
        tools: [
          { type: 'mcp_tool', provider_id: id, tool_id: 'add', params: {} },
          { type: 'mcp_tool', provider_id: id, tool_id: 'fail', params: {} },
          { type: 'builtin_tool', provider_id: 'time', tool_id: 'current_time', params: {} },
        ],
      });
      upstream.script = (body) =>
        body.messages.some((m: any) => m.role === 'tool')
          ? { text: 'Done.' }
          : {
              toolCalls: [
                { name: 'add', arguments: { a: 2, b: 40 } },
                { name: 'fail', arguments: {} },
              ],
            };
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, { query: 'Add two and forty' });
      const events = (await stream.all()).filter((e) => e.event !== 'ping');
      upstream.script = undefined;
      expect(
        upstream
          .chatRequests()
          .at(-2)!
          .body.tools.map((t: any) => t.function.name),
      ).toEqual(['current_time', 'add', 'fail']);
      const observed = events.filter((e) => e.event === 'agent_thought')[1]!.data;
      expect(JSON.parse(observed.observation)).toEqual({ add: '42', fail: 'error: the tool broke' });
      expect(events.at(-1)!.event).toBe('message_end');

      // A masked header sent back keeps its value; refresh lists again with it.
      const masked = created.body.data.headers[0].value;
      const updated = await server.post(`/mcp-servers/${id}`, {
        token,
        body: { name: 'Test tools', server_url: mcp.streamableUrl, headers: [{ key: 'Authorization', value: masked }] },
      });
      expect(updated.status).toBe(200);
      expect((await server.post(`/mcp-servers/${id}/refresh`, { token })).status).toBe(200);
      expect(mcp.authorizations.at(-1)).toBe('Bearer mcp-secret-98765');

      expect((await server.post(`/mcp-servers/${id}/delete`, { token })).status).toBe(200);
      const publish = await server.post(`/apps/${appId}/publish`, { token });
      expect(publish.status).toBe(400);
      expect(publish.body.message).toMatch(/tools not found: .*\/add/);
    });

    it('falls back to the HTTP+SSE transport, and refuses servers it cannot reach or may not reach', async () => {
      const legacy = await server.post('/mcp-servers', { token, body: { name: 'Legacy', server_url: mcp.sseUrl, headers: [] } });
      expect(legacy.status, JSON.stringify(legacy.body)).toBe(200);
      expect(legacy.body.data.tools.map((t: any) => t.name)).toEqual(['add', 'shout', 'fail']);

      const blocked = await server.post('/mcp-servers', {
        token,
        body: { name: 'Metadata', server_url: 'http://169.254.169.254/mcp', headers: [] },
      });
      expect(blocked.status).toBe(400);
      expect(blocked.body.message).toMatch(/could not list the tools of http:\/\/169\.254\.169\.254\/mcp: .*blocked/);

      const down = await server.post('/mcp-servers', {
        token,
        body: { name: 'Down', server_url: `http://127.0.0.1:${mcp.port}/nothing-here`, headers: [] },
      });
      expect(down.status).toBe(400);
      expect((await server.get('/mcp-servers', { token })).body.data.map((s: any) => s.name)).toEqual(['Legacy']);
      expect((await server.post('/mcp-servers', { token, body: { name: 'Legacy', server_url: 'ftp://x', headers: [] } })).status).toBe(400);
    });
  });
}
