import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_API_KEY, FakeOpenAiServer, ONE_PIXEL_PNG } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { postStream } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { canvasGraph } from '../../helpers/workflow-graph.js';

const DALLE = [{ type: 'builtin_tool', provider_id: 'dalle', tool_id: 'dalle_image', params: { size: '256x256', model: 'dall-e-2' } }];
/** The fake upstream takes only its own key, so the tool's saved key is that one. */
const SECRET = FAKE_API_KEY;

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`built-in tool credentials and DALL·E on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;

    // Draws once per user message (the memory holds earlier turns' tool results).
    const drawScript = (body: any) => {
      const messages = body.messages as any[];
      const lastUser = messages.map((m) => m.role).lastIndexOf('user');
      return messages.slice(lastUser).some((m) => m.role === 'tool')
        ? { text: 'Here is your fox.' }
        : { toolCalls: [{ name: 'dalle_image', arguments: { prompt: 'a red fox in snow' } }] };
    };

    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, { ssrfAllowHosts: new URL(upstream.baseUrl).host });
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream, { features: ['tool_call', 'stream'] });
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it('saves credentials encrypted, shows them masked, keeps a masked secret sent back, and refuses what does not fit', async () => {
      const path = '/builtin-tools/dalle/credentials';
      expect((await server.get(path, { token })).body.data).toEqual({
        saved: false,
        authorized: false,
        credentials: { api_key: '', base_url: '' },
      });
      const before = (await server.get('/builtin-tools', { token })).body.data;
      expect(before.find((p: any) => p.name === 'dalle').is_team_authorization).toBe(false);
      expect(before.find((p: any) => p.name === 'time').is_team_authorization).toBe(true);
      const saved = await server.post(path, { token, body: { credentials: { api_key: SECRET, base_url: upstream.baseUrl } } });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body.data).toMatchObject({ saved: true, authorized: true, credentials: { base_url: upstream.baseUrl } });
      const masked = saved.body.data.credentials.api_key;
      expect(masked).not.toBe(SECRET);
      expect(masked).toMatch(/\*/);
      const stored = await server.module.database.db.execute(sql`SELECT credentials_encrypted FROM builtin_tool_credentials`);
      expect(JSON.stringify(stored.rows)).not.toContain(SECRET);

      // The form sent back unchanged keeps the key; the list says the provider can run.
      await server.post(path, { token, body: { credentials: { api_key: masked, base_url: upstream.baseUrl } } });
      const list = await server.get('/builtin-tools', { token });
      const dalle = list.body.data.find((p: any) => p.name === 'dalle');
      expect(dalle).toMatchObject({ is_team_authorization: true });
      expect(dalle.credentials_schema.map((f: any) => [f.name, f.type])).toEqual([
        ['api_key', 'secret-input'],
        ['base_url', 'text-input'],
      ]);
      expect(JSON.stringify(list.body)).not.toContain(SECRET);

      expect((await server.post(path, { token, body: { credentials: { password: 'x' } } })).status).toBe(400);
      expect((await server.post(path, { token, body: { credentials: { base_url: 'ftp://x' } } })).status).toBe(400);
      expect((await server.post('/builtin-tools/time/credentials', { token, body: { credentials: {} } })).status).toBe(400);
      expect((await server.get('/builtin-tools/nope/credentials', { token })).status).toBe(404);
      // Another workspace has none of them.
      const other = (await registerAccount(server, 'Other')).token;
      expect((await server.get(path, { token: other })).body.data.saved).toBe(false);
    });

    it('an agent draws with DALL·E: the image is kept, named in the step, and listed as the assistant file of the message', async () => {
      const appId = await createChatApp(server, token, { tools: DALLE });
      upstream.script = drawScript;
      try {
        const stream = await postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, { query: 'Draw a fox' });
        const events = (await stream.all()).filter((e) => e.event !== 'ping');
        const observed = events.filter((e) => e.event === 'agent_thought')[1]!.data;
        expect(JSON.parse(observed.observation).dalle_image).toContain('The prompt as drawn: Drawn: a red fox in snow');
        expect(observed.message_files).toHaveLength(1);
        const fileId = observed.message_files[0];
        const draw = upstream.requests.filter((r) => r.path === '/v1/images/generations').at(-1)!;
        expect(draw.authorization).toBe(`Bearer ${SECRET}`);
        expect(draw.body).toMatchObject({ model: 'dall-e-2', size: '256x256', prompt: 'a red fox in snow' });

        const conversationId = events.at(-1)!.data.conversation_id;
        const messages = await server.get(`/conversations/${conversationId}/messages`, { token });
        const message = messages.body.data.list[0];
        expect(message.agent_thoughts[0].files).toEqual([fileId]);
        expect(message.message_files).toMatchObject([{ belongs_to: 'assistant', upload_file_id: fileId, transfer_method: 'local_file' }]);
        const image = await fetch(new URL(message.message_files[0].url, server.baseUrl));
        expect(image.status).toBe(200);
        expect(Buffer.from(await image.arrayBuffer()).equals(Buffer.from(ONE_PIXEL_PNG, 'base64'))).toBe(true);

        // The next turn's memory sends no assistant image back to the model as the user's.
        const next = await postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, {
          query: 'Thanks',
          conversation_id: conversationId,
        });
        await next.all();
        expect(JSON.stringify(upstream.chatRequests().at(-1)!.body.messages)).not.toContain('image_url');
      } finally {
        upstream.script = undefined;
      }
    });

    it("without saved credentials, DALL·E borrows the workspace's OpenAI provider key; with neither, the model reads why", async () => {
      const path = '/builtin-tools/dalle/credentials';
      expect((await server.post(`${path}/delete`, { token })).status).toBe(200);
      const appId = await createChatApp(server, token, { tools: DALLE });
      upstream.script = drawScript;
      try {
        const draft = await server.get(`/apps/${appId}/draft-app-config`, { token });
        expect(draft.body.data.warnings).toEqual([expect.stringMatching(/^dalle has no credentials/)]);
        let stream = await postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, { query: 'Draw a fox' });
        let thoughts = (await stream.all()).filter((e) => e.event === 'agent_thought');
        expect(JSON.parse(thoughts[1]!.data.observation).dalle_image).toMatch(/^error: no key for DALL·E/);

        const openai = await server.post('/llm-models/openai/credentials', {
          token,
          body: { api_key: FAKE_API_KEY, base_url: upstream.baseUrl, validate: false },
        });
        expect(openai.status, JSON.stringify(openai.body)).toBe(200);
        expect((await server.get(path, { token })).body.data).toMatchObject({ saved: false, authorized: true });
        expect((await server.get(`/apps/${appId}/draft-app-config`, { token })).body.data.warnings).toEqual([]);
        stream = await postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, { query: 'Draw a fox' });
        thoughts = (await stream.all()).filter((e) => e.event === 'agent_thought');
        expect(thoughts[1]!.data.message_files).toHaveLength(1);
        expect(upstream.requests.filter((r) => r.path === '/v1/images/generations').at(-1)!.authorization).toBe(`Bearer ${FAKE_API_KEY}`);
      } finally {
        upstream.script = undefined;
      }
    });

    it("in a workflow, the tool node's and the agent node's files are the images DALL·E made, as Dify's file objects", async () => {
      const { node, edge } = canvasGraph({ edgeIds: 'source-target' });
      const settings = { size: '256x256', model: 'dall-e-2' };
      const graph = {
        nodes: [
          node('start', { type: 'start', title: 'Start', variables: [] }),
          node('draw', {
            type: 'tool',
            title: 'Draw',
            provider_type: 'builtin',
            provider_id: 'dalle',
            tool_name: 'dalle_image',
            tool_parameters: { prompt: { type: 'constant', value: 'a blue whale' } },
            tool_configurations: settings,
          }),
          node('ag', {
            type: 'agent',
            title: 'Agent',
            agent_strategy_provider_name: 'langgenius/agent/agent',
            agent_strategy_name: 'function_calling',
            agent_parameters: {
              model: {
                type: 'constant',
                value: { provider: 'openai_compatible', model: 'fake-chat', mode: 'chat', completion_params: {} },
              },
              tools: {
                type: 'constant',
                value: [{ enabled: true, type: 'builtin', provider_name: 'dalle', tool_name: 'dalle_image', parameters: {}, settings }],
              },
              query: { type: 'constant', value: 'Draw a fox' },
            },
          }),
          node('end', {
            type: 'end',
            title: 'End',
            outputs: [
              { variable: 'drawn', value_selector: ['draw', 'files'] },
              { variable: 'agent_files', value_selector: ['ag', 'files'] },
            ],
          }),
        ],
        edges: [edge('start', 'draw'), edge('draw', 'ag'), edge('ag', 'end')],
      };
      const app = await server.post('/apps', { token, body: { name: 'Painter', mode: 'workflow' } });
      const appId = app.body.data.id;
      expect((await server.post(`/apps/${appId}/workflows/draft`, { token, body: { graph } })).status).toBe(200);
      upstream.script = drawScript;
      try {
        const stream = await postStream(`${server.baseUrl}/apps/${appId}/workflows/draft/run`, token, { inputs: {} });
        const finished = (await stream.all()).at(-1)!.data.data;
        const image = {
          dify_model_identity: '__dify__file__',
          type: 'image',
          transfer_method: 'local_file',
          related_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          extension: '.png',
          mime_type: 'image/png',
        };
        expect(finished, JSON.stringify(finished)).toMatchObject({
          status: 'succeeded',
          outputs: { drawn: [image], agent_files: [image] },
        });
        expect(finished.outputs.drawn[0].related_id).not.toBe(finished.outputs.agent_files[0].related_id);
        expect(finished.files).toHaveLength(2);
      } finally {
        upstream.script = undefined;
      }
    });
  });
}
