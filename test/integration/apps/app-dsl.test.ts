import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp } from '../../helpers/chat-setup.js';
import { postStream } from '../../helpers/sse-client.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { startLocalSite, type LocalSite } from '../../helpers/local-site.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

/** A chat app as Dify 1.x exports it, naming things this workspace does not have. */
const difyFile = (mode = 'agent-chat') =>
  stringify({
    app: { name: 'Travel Guide', mode, icon: '🧭', icon_background: '#FFEAD5', description: 'Plans trips.' },
    kind: 'app',
    version: '0.1.5',
    dependencies: [],
    model_config: {
      model: { provider: 'langgenius/openai/openai', name: 'gpt-4o', mode: 'chat', completion_params: { temperature: 0.3, stop: [] } },
      prompt_type: 'simple',
      pre_prompt: 'You plan trips to {{city}}.',
      user_input_form: [
        { 'text-input': { label: 'City', variable: 'city', required: true, max_length: 48, default: '' } },
        { file: { label: 'Ticket', variable: 'ticket', required: false } },
      ],
      opening_statement: 'Where to?',
      suggested_questions: ['A weekend in Lisbon?'],
      suggested_questions_after_answer: { enabled: true },
      dataset_configs: {
        retrieval_model: 'multiple',
        top_k: 6,
        score_threshold: 0.4,
        score_threshold_enabled: true,
        datasets: { datasets: [{ dataset: { enabled: true, id: '6f1c2a4e-0d6b-4c49-9a7c-0c1f0e2d3b4a' } }] },
      },
      annotation_reply: { enabled: true },
      agent_mode: {
        enabled: true,
        strategy: 'function_call',
        max_iteration: 7,
        tools: [
          { enabled: true, provider_type: 'builtin', provider_id: 'langgenius/time/time', tool_name: 'current_time', tool_parameters: {} },
          {
            enabled: true,
            provider_type: 'api',
            provider_id: '0b9e3c1e-2a7d-4e8b-9f3a-5c6d7e8f9a0b',
            tool_name: 'getWeather',
            tool_parameters: {},
          },
        ],
      },
    },
  });

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`Dify DSL import and export on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let files: LocalSite;
    let token: string;

    const appCount = async () => (await server.get('/apps', { token })).body.data.paginator.total_record as number;
    const importFile = (body: Record<string, unknown>) => server.post('/apps/imports', { token, body });

    beforeAll(async () => {
      files = await startLocalSite((req, res) => {
        if (req.url === '/guide.yml') return void res.end(difyFile());
        res.statusCode = 404;
        res.end('no');
      });
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, { ssrfAllowHosts: files.host });
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream, { features: ['tool_call', 'stream'] });
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
      await files?.close();
    });

    it('exports a chat app as Dify DSL, and export -> import -> export gives the same file and the same draft', async () => {
      const appId = await createChatApp(server, token, {
        preset_prompt: 'You are {{persona}}.',
        user_input_form: [{ select: { label: 'Persona', variable: 'persona', required: true, options: ['a pirate', 'a poet'] } }],
        opening_statement: 'Ahoy',
        opening_questions: ['Who are you?'],
        tools: [{ type: 'builtin_tool', provider_id: 'math', tool_id: 'calculator', params: {} }],
        agent_mode: { strategy: 'react', max_iterations: 4 },
      });
      const first = await server.get(`/apps/${appId}/export`, { token });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const doc = parse(first.body.data);
      expect(doc).toMatchObject({
        kind: 'app',
        version: '0.3.0',
        app: { name: 'Chat app', mode: 'agent-chat' },
        model_config: {
          model: { provider: 'openai_compatible', name: 'fake-chat', mode: 'chat', completion_params: { max_tokens: 256 } },
          pre_prompt: 'You are {{persona}}.',
          opening_statement: 'Ahoy',
          suggested_questions: ['Who are you?'],
          agent_mode: {
            enabled: true,
            strategy: 'react',
            max_iteration: 4,
            tools: [{ provider_type: 'builtin', provider_id: 'math', tool_name: 'calculator' }],
          },
        },
      });

      const imported = await importFile({ mode: 'yaml-content', yaml_content: first.body.data });
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);
      expect(imported.body.data).toMatchObject({
        status: 'completed',
        app_mode: 'agent-chat',
        imported_dsl_version: '0.3.0',
        warnings: [],
      });
      const copy = imported.body.data.app_id;
      const draft = (id: string) => server.get(`/apps/${id}/draft-app-config`, { token }).then((r) => r.body.data);
      expect(await draft(copy)).toEqual(await draft(appId));
      expect((await server.get(`/apps/${copy}/export`, { token })).body.data).toBe(first.body.data);

      // Another workspace cannot export it.
      const other = (await registerAccount(server, 'Other')).token;
      expect((await server.get(`/apps/${appId}/export`, { token: other })).status).toBe(404);
    });

    it("imports Dify's file with warnings for what this workspace lacks, replaces the model by default_model, and the app answers", async () => {
      const before = await appCount();
      const res = await importFile({
        mode: 'yaml-content',
        yaml_content: difyFile(),
        default_model: { provider: 'openai_compatible', model: 'fake-chat' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const result = res.body.data;
      expect(result).toMatchObject({ status: 'completed-with-warnings', app_mode: 'agent-chat', imported_dsl_version: '0.1.5' });
      expect(result.warnings).toEqual([
        expect.stringMatching(/^annotation_reply: not supported/),
        expect.stringMatching(/^user_input_form: the file variable ticket is not supported/),
        expect.stringMatching(/^model_config.model: openai\/gpt-4o has no credentials here; replaced by openai_compatible\/fake-chat$/),
        expect.stringMatching(/^dataset_configs: knowledge base 6f1c2a4e-.* is not in this workspace/),
        expect.stringMatching(/^agent_mode.tools: 0b9e3c1e-.*\/getWeather does not exist in this workspace/),
      ]);
      expect(await appCount()).toBe(before + 1);
      const app = (await server.get(`/apps/${result.app_id}`, { token })).body.data;
      expect(app).toMatchObject({ name: 'Travel Guide', icon: '🧭', description: 'Plans trips.' });
      const config = (await server.get(`/apps/${result.app_id}/draft-app-config`, { token })).body.data;
      expect(config).toMatchObject({
        model_config: { provider: 'openai_compatible', model: 'fake-chat', parameters: { temperature: 0.3 } },
        preset_prompt: 'You plan trips to {{city}}.',
        user_input_form: [{ 'text-input': { label: 'City', variable: 'city', required: true, max_length: 48 } }],
        suggested_after_answer: { enable: true },
        datasets: [],
        retrieval_config: { k: 6, score: 0.4 },
        tools: [{ type: 'builtin_tool', provider_id: 'time', tool_id: 'current_time', params: {} }],
        agent_mode: { strategy: 'function_call', max_iterations: 7 },
        warnings: [],
      });
      // It runs: a debug message is answered by the replaced model.
      const stream = await postStream(`${server.baseUrl}/apps/${result.app_id}/conversations`, token, {
        query: 'Hello',
        inputs: { city: 'Lisbon' },
      });
      expect(stream.status).toBe(200);
      expect((await stream.all()).at(-1)!.event).toBe('message_end');
      expect(upstream.chatRequests().at(-1)!.body.messages[0].content).toContain('You plan trips to Lisbon.');

      // Without default_model the model is kept, with a warning saying so.
      const kept = await importFile({ mode: 'yaml-content', yaml_content: difyFile('chat'), name: 'Kept model' });
      expect(kept.body.data.warnings).toContainEqual(expect.stringMatching(/^model_config.model: openai\/gpt-4o cannot be called here/));
      expect(kept.body.data.app_mode).toBe('chat');
    });

    it('reads a file from a URL through the SSRF guard', async () => {
      const ok = await importFile({ mode: 'yaml-url', yaml_url: `${files.base}/guide.yml`, name: 'From URL' });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(ok.body.data.status).toBe('completed-with-warnings');
      const blocked = await importFile({ mode: 'yaml-url', yaml_url: 'http://127.0.0.1:1/guide.yml' });
      expect(blocked.status).toBe(400);
      expect(blocked.body.data).toMatchObject({ status: 'failed', app_id: null, error: expect.stringMatching(/^yaml_url: blocked/) });
      const missing = await importFile({ mode: 'yaml-url', yaml_url: `${files.base}/nope.yml` });
      expect(missing.body.data.error).toMatch(/answered 404/);
    });

    it('refuses what it cannot run, in the failed result, and makes no app', async () => {
      const before = await appCount();
      const refused = async (body: Record<string, unknown>, error: RegExp) => {
        const res = await importFile(body);
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(res.body.data.status).toBe('failed');
        expect(res.body.data.error).toMatch(error);
      };
      await refused({ mode: 'yaml-content', yaml_content: difyFile('completion') }, /app.mode: completion apps cannot be imported/);
      await refused({ mode: 'yaml-content', yaml_content: 'app: [unclosed' }, /not YAML/);
      await refused({ mode: 'yaml-content', yaml_content: 'kind: app\nversion: 0.1.0\n' }, /app: the DSL has no app section/);
      await refused({ mode: 'yaml-content', yaml_content: difyFile().replace('version: 0.1.5', 'version: 1.0.0') }, /newer than/);
      await refused(
        { mode: 'yaml-content', yaml_content: difyFile(), default_model: { provider: 'openai', model: 'gpt-4o' } },
        /default_model: openai\/gpt-4o is not usable/,
      );
      const invalid = await importFile({ mode: 'yaml-url' });
      expect(invalid.status).toBe(400);
      expect(invalid.body.message).toMatch(/yaml_url: is required/);
      expect(await appCount()).toBe(before);
    });
  });
}
