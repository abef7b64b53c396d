import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccount } from '../../helpers/accounts.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { FAKE_API_KEY, FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`model catalog and credentials on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;
    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, {
        llmEnvCredentials: { deepseek: { apiKey: 'sk-from-env-0000', baseUrl: upstream.baseUrl } },
      });
      token = (await registerAccount(server)).token;
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    const customBody = (overrides = {}) => ({
      api_key: FAKE_API_KEY,
      base_url: upstream.baseUrl,
      models: [{ model: 'fake-chat', context_window: 4096, max_output: 512, features: ['stream', 'tool_call'] }],
      ...overrides,
    });

    it('lists every catalog provider with models, prices, parameter templates and credential status', async () => {
      const res = await server.get('/llm-models', { token });
      expect(res.status).toBe(200);
      const ids = res.body.data.map((p: { provider: string }) => p.provider);
      expect(ids).toEqual(['deepseek', 'moonshot', 'ollama', 'openai', 'openai_compatible', 'tongyi', 'zhipu']);
      const openai = res.body.data.find((p: { provider: string }) => p.provider === 'openai');
      expect(openai.credential).toEqual({ configured: false, source: null, base_url: 'https://api.openai.com/v1', api_key: '' });
      const gpt = openai.models.find((m: { model: string }) => m.model === 'gpt-4o-mini');
      expect(gpt).toMatchObject({
        model_type: 'chat',
        features: ['tool_call', 'vision', 'stream'],
        context_window: 128000,
        price: { input: 0.15, output: 0.6, unit: 'per_million_tokens', currency: 'USD' },
        parameters: { temperature: { default: 0.7, min: 0, max: 2 }, max_tokens: { default: 1024, min: 1, max: 16384 } },
      });
      const deepseek = res.body.data.find((p: { provider: string }) => p.provider === 'deepseek');
      expect(deepseek.credential).toMatchObject({ configured: true, source: 'environment', api_key: 'sk-*********0000' });
    });

    it('answers one model, and not_found for an unknown model or provider', async () => {
      const res = await server.get('/llm-models/zhipu/glm-4-flash', { token });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ provider: 'zhipu', model: 'glm-4-flash', price: { currency: 'CNY' } });
      expect(res.body.data.parameters.temperature).toEqual({ default: 0.95, min: 0.01, max: 0.99 });
      expect((await server.get('/llm-models/openai/gpt-0', { token })).status).toBe(404);
      expect((await server.get('/llm-models/nope/x', { token })).status).toBe(404);
    });

    it('saves working credentials after a real test call, encrypted at rest and never echoed or logged', async () => {
      const { token: own } = await registerAccount(server);
      const before = upstream.chatRequests().length;
      const res = await server.post('/llm-models/openai_compatible/credentials', { token: own, body: customBody() });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toEqual({ configured: true, source: 'account', base_url: upstream.baseUrl, api_key: 'sk-*********-key' });
      expect(upstream.chatRequests().length).toBe(before + 1);
      expect(upstream.chatRequests().at(-1)!.body).toMatchObject({ model: 'fake-chat', max_tokens: 1 });

      const stored = await server.module.database.db.execute(sql`SELECT api_key_encrypted FROM provider_credentials`);
      expect(stored.rows.length).toBeGreaterThan(0);
      for (const row of stored.rows) expect(String(row.api_key_encrypted)).not.toContain(FAKE_API_KEY);
      expect(server.logs()).not.toContain(FAKE_API_KEY);

      const list = await server.get('/llm-models', { token: own });
      const custom = list.body.data.find((p: { provider: string }) => p.provider === 'openai_compatible');
      expect(custom.credential.configured).toBe(true);
      expect(custom.models.map((m: { model: string }) => m.model)).toEqual(['fake-chat']);
      expect(custom.models[0]).toMatchObject({ context_window: 4096, max_output: 512 });
      expect(JSON.stringify(list.body)).not.toContain(FAKE_API_KEY);
    });

    it('keeps the stored key when only the base URL changes', async () => {
      const { token: own } = await registerAccount(server);
      expect((await server.post('/llm-models/openai_compatible/credentials', { token: own, body: customBody() })).status).toBe(200);
      const res = await server.post('/llm-models/openai_compatible/credentials', {
        token: own,
        body: { base_url: upstream.baseUrl, validate: true },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.api_key).toBe('sk-*********-key');
    });

    it('reports a wrong key and an unreachable URL as such, and saves nothing', async () => {
      const { token: own } = await registerAccount(server);
      const wrong = await server.post('/llm-models/openai_compatible/credentials', {
        token: own,
        body: customBody({ api_key: 'sk-wrong' }),
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toMatchObject({ code: 'fail', data: { kind: 'unauthorized' } });
      expect(wrong.body.message).toMatch(/^credentials check failed: the model provider refused the API key: Incorrect API key/);
      const unreachable = await server.post('/llm-models/openai_compatible/credentials', {
        token: own,
        body: customBody({ base_url: 'http://127.0.0.1:9/v1' }),
      });
      expect(unreachable.status).toBe(400);
      expect(unreachable.body.message).toMatch(/cannot reach the model provider/);
      const list = await server.get('/llm-models', { token: own });
      expect(list.body.data.find((p: { provider: string }) => p.provider === 'openai_compatible').credential.configured).toBe(false);
    });

    it.each([
      ['a base_url that is not http', { base_url: 'ftp://example.com' }, 'base_url'],
      ['an empty api_key', { api_key: '' }, 'api_key'],
      ['a model without a name', { models: [{ model: '' }] }, 'models.0.model'],
    ])('rejects %s, naming the field', async (_label, overrides, field) => {
      const res = await server.post('/llm-models/openai_compatible/credentials', { token, body: customBody(overrides) });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validate_error');
      expect(res.body.message.startsWith(`${field}:`)).toBe(true);
    });

    it('needs models for a custom provider and a key where the provider requires one', async () => {
      const noModels = await server.post('/llm-models/openai_compatible/credentials', { token, body: customBody({ models: [] }) });
      expect(noModels.status).toBe(400);
      expect(noModels.body.message).toMatch(/needs at least one model/);
      const noKey = await server.post('/llm-models/openai/credentials', { token, body: { base_url: upstream.baseUrl } });
      expect(noKey.status).toBe(400);
      expect(noKey.body.message).toBe('OpenAI needs an api_key');
      expect((await server.post('/llm-models/nope/credentials', { token, body: { api_key: 'x' } })).status).toBe(404);
    });

    it("does not show one account's credentials to another", async () => {
      const a = await registerAccount(server);
      const b = await registerAccount(server);
      expect((await server.post('/llm-models/openai_compatible/credentials', { token: a.token, body: customBody() })).status).toBe(200);
      const list = await server.get('/llm-models', { token: b.token });
      expect(list.body.data.find((p: { provider: string }) => p.provider === 'openai_compatible').credential.configured).toBe(false);
      expect((await server.get('/llm-models/openai_compatible/fake-chat', { token: b.token })).status).toBe(404);
      expect((await server.get('/llm-models/openai_compatible/fake-chat', { token: a.token })).status).toBe(200);
    });
  });
}
