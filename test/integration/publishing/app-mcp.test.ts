import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { postStream } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

/** An MCP client of the official SDK connected to a URL; closed by the caller. */
async function mcpClient(url: string): Promise<Client> {
  const client = new Client({ name: 'app-mcp-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

const FORM = [
  { select: { label: 'Tone of the answer', variable: 'tone', required: true, options: ['plain', 'pirate'] } },
  { 'text-input': { label: 'Reader name', variable: 'reader', required: false } },
];

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`published apps as MCP servers on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;
    let appId: string;
    let path: string;

    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      // The second app reaches the first over this server's own address, as any other MCP server.
      server = await startTestServer(backend, { ssrfAllowHosts: '127.0.0.1' });
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream, { features: ['tool_call', 'stream'] });
      appId = await createChatApp(server, token, { preset_prompt: 'Answer in a {{tone}} tone.', user_input_form: FORM });
      await server.post(`/apps/${appId}`, { token, body: { name: 'Trip Planner', description: 'Plans trips.' } });
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it('is off until switched on, only for the app owner, and only while published', async () => {
      const off = await server.get(`/apps/${appId}/mcp-server`, { token });
      expect(off.body.data).toEqual({ enabled: false, mcp_token: null, server_path: null });

      const other = (await registerAccount(server, 'Other')).token;
      expect((await server.post(`/apps/${appId}/mcp-server`, { token: other, body: { enabled: true } })).status).toBe(404);
      expect((await server.post(`/apps/${appId}/mcp-server`, { token, body: { enabled: 'yes' } })).status).toBe(400);

      const on = await server.post(`/apps/${appId}/mcp-server`, { token, body: { enabled: true } });
      expect(on.status, JSON.stringify(on.body)).toBe(200);
      expect(on.body.data.enabled).toBe(true);
      path = on.body.data.server_path;
      expect(path).toBe(`/mcp/${on.body.data.mcp_token}`);
      // Switching on again keeps the link.
      expect((await server.post(`/apps/${appId}/mcp-server`, { token, body: { enabled: true } })).body.data.server_path).toBe(path);

      // A draft app answers no MCP client.
      const unpublished = await fetch(server.baseUrl + path, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(unpublished.status).toBe(404);
      expect((await server.post(`/apps/${appId}/publish`, { token })).status).toBe(200);
    });

    it('speaks MCP to the official client: one tool with the query and the form, answered by the published app', async () => {
      const client = await mcpClient(server.baseUrl + path);
      try {
        const { tools } = await client.listTools();
        expect(tools).toHaveLength(1);
        expect(tools[0]).toMatchObject({
          name: 'ask_trip_planner',
          description: 'Plans trips.',
          inputSchema: {
            type: 'object',
            properties: {
              query: { type: 'string' },
              tone: { type: 'string', enum: ['plain', 'pirate'] },
              reader: { type: 'string' },
            },
            required: ['query', 'tone'],
          },
        });

        const answer = await client.callTool({ name: 'ask_trip_planner', arguments: { query: 'A weekend in Lisbon?', tone: 'pirate' } });
        expect(answer.isError).toBe(false);
        expect(answer.content).toEqual([{ type: 'text', text: 'Echo: A weekend in Lisbon?' }]);
        const sent = upstream.chatRequests().at(-1)!.body.messages;
        expect(sent[0]).toMatchObject({ role: 'system', content: expect.stringContaining('Answer in a pirate tone.') });

        // What the caller got wrong is a tool error its model can read, not a protocol failure.
        const missing = await client.callTool({ name: 'ask_trip_planner', arguments: { query: 'Hello' } });
        expect(missing.isError).toBe(true);
        expect(missing.content).toEqual([{ type: 'text', text: 'tone is required in input form' }]);
        const wrongTool = await client.callTool({ name: 'other', arguments: {} });
        expect(wrongTool.isError).toBe(true);
      } finally {
        await client.close();
      }

      // The calls are in the app's logs, under their own source.
      const logs = await server.get(`/apps/${appId}/logs?invoke_from=mcp`, { token });
      expect(logs.status).toBe(200);
      expect(logs.body.data.list.map((l: { end_user: string }) => l.end_user)).toEqual(['mcp-client']);
    });

    it('another app calls it as an MCP tool, through the same SSRF-guarded client as any MCP server', async () => {
      const added = await server.post('/mcp-servers', { token, body: { name: 'Planner', server_url: server.baseUrl + path, headers: [] } });
      expect(added.status, JSON.stringify(added.body)).toBe(200);
      expect(added.body.data.tools.map((t: { name: string }) => t.name)).toEqual(['ask_trip_planner']);
      const caller = await createChatApp(server, token, {
        tools: [{ type: 'mcp_tool', provider_id: added.body.data.id, tool_id: 'ask_trip_planner', params: { tone: 'plain' } }],
      });
      upstream.script = (body) => {
        const system = String(body.messages[0]?.content ?? '');
        if (system.includes('plain tone')) return { text: 'Two days: Alfama, then Belém.' };
        return body.messages.some((m: { role: string }) => m.role === 'tool')
          ? { text: 'The planner says: Two days: Alfama, then Belém.' }
          : { toolCalls: [{ name: 'ask_trip_planner', arguments: { query: 'Plan Lisbon' } }] };
      };
      try {
        const stream = await postStream(`${server.baseUrl}/apps/${caller}/conversations`, token, { query: 'Ask the planner' });
        const events = (await stream.all()).filter((e) => e.event !== 'ping');
        const thoughts = events.filter((e) => e.event === 'agent_thought').map((e) => e.data);
        expect(JSON.parse(thoughts[1]!.observation)).toEqual({ ask_trip_planner: 'Two days: Alfama, then Belém.' });
        expect(events.at(-1)!.event).toBe('message_end');
      } finally {
        upstream.script = undefined;
      }
    });

    it('is stateless: GET and DELETE are 405; a new link or switching off ends the old one at once', async () => {
      const get = await fetch(server.baseUrl + path);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      const bad = await fetch(server.baseUrl + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', origin: 'https://inspector.example' },
        body: JSON.stringify({ not: 'json-rpc' }),
      });
      expect(bad.status).toBe(400);
      // A browser-based MCP client gets the CORS headers on the SDK's own answers too.
      expect(bad.headers.get('access-control-allow-origin')).toBe('*');

      const renewed = await server.post(`/apps/${appId}/mcp-server/regenerate-token`, { token });
      expect(renewed.status).toBe(200);
      expect(renewed.body.data.server_path).not.toBe(path);
      await expect(mcpClient(server.baseUrl + path)).rejects.toThrow();
      const client = await mcpClient(server.baseUrl + renewed.body.data.server_path);
      await client.close();

      const off = await server.post(`/apps/${appId}/mcp-server`, { token, body: { enabled: false } });
      expect(off.body.data).toEqual({ enabled: false, mcp_token: null, server_path: null });
      await expect(mcpClient(server.baseUrl + renewed.body.data.server_path)).rejects.toThrow();
      expect((await server.post(`/apps/${appId}/mcp-server/regenerate-token`, { token })).status).toBe(404);
    });
  });
}
