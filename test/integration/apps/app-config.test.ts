import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccount } from '../../helpers/accounts.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`app configuration on ${backendTitle(backend)}`, () => {
    let server: TestServer;
    let token: string;
    let otherToken: string;
    beforeAll(async () => {
      server = await startTestServer(backend);
      token = (await registerAccount(server)).token;
      otherToken = (await registerAccount(server)).token;
    });
    afterAll(() => server?.close());

    const newApp = async () => (await server.post('/apps', { token, body: { name: 'Configured' } })).body.data.id as string;
    const draft = (appId: string, body: unknown, as = token) => server.post(`/apps/${appId}/draft-app-config`, { token: as, body });

    it('starts from the default draft', async () => {
      const appId = await newApp();
      const res = await server.get(`/apps/${appId}/draft-app-config`, { token });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        model_config: { provider: 'openai', model: 'gpt-4o-mini' },
        dialog_round: 3,
        long_term_memory: { enable: false },
        review_config: { enable: false },
      });
    });

    it('updates only the fields given and keeps the rest', async () => {
      const appId = await newApp();
      const res = await draft(appId, {
        model_config: { provider: 'deepseek', model: 'deepseek-chat', parameters: { temperature: 1.2, max_tokens: 2000 } },
        preset_prompt: 'You are a helpful travel agent.',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const second = await draft(appId, { dialog_round: 7, opening_questions: ['Where to?', 'When?'] });
      expect(second.body.data).toMatchObject({
        model_config: { provider: 'deepseek', model: 'deepseek-chat', parameters: { temperature: 1.2, max_tokens: 2000 } },
        preset_prompt: 'You are a helpful travel agent.',
        dialog_round: 7,
        opening_questions: ['Where to?', 'When?'],
      });
      expect((await server.get(`/apps/${appId}/draft-app-config`, { token })).body.data).toEqual(second.body.data);
    });

    it.each([
      [
        'a parameter over the model maximum',
        { model_config: { provider: 'openai', model: 'gpt-4o-mini', parameters: { temperature: 3 } } },
        'model_config.parameters.temperature',
      ],
      [
        'a parameter the model does not have',
        { model_config: { provider: 'openai', model: 'gpt-4o-mini', parameters: { seed: 1 } } },
        'model_config.parameters.seed',
      ],
      [
        'max_tokens over the model output limit',
        { model_config: { provider: 'deepseek', model: 'deepseek-chat', parameters: { max_tokens: 9000 } } },
        'model_config.parameters.max_tokens',
      ],
      ['an unknown model', { model_config: { provider: 'openai', model: 'gpt-0' } }, 'model_config'],
      ['an embedding model', { model_config: { provider: 'openai', model: 'text-embedding-3-small' } }, 'model_config'],
      ['a negative dialog_round', { dialog_round: -1 }, 'dialog_round'],
      ['too many opening questions', { opening_questions: Array.from({ length: 11 }, (_, i) => `q${i}`) }, 'opening_questions'],
      ['an unknown field', { temperature: 1 }, 'body'],
      [
        'review on without keywords',
        {
          review_config: {
            enable: true,
            keywords: [],
            inputs_config: { enable: true, preset_response: 'no' },
            outputs_config: { enable: false },
          },
        },
        'review_config.keywords',
      ],
      [
        'input review without a preset response',
        { review_config: { enable: true, keywords: ['x'], inputs_config: { enable: true }, outputs_config: { enable: false } } },
        'review_config.inputs_config.preset_response',
      ],
      ['an empty body', {}, 'body'],
    ])('rejects %s, naming the field, and keeps the draft', async (_label, body, field) => {
      const appId = await newApp();
      const before = (await server.get(`/apps/${appId}/draft-app-config`, { token })).body.data;
      const res = await draft(appId, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validate_error');
      expect(res.body.message.startsWith(`${field}:`), res.body.message).toBe(true);
      expect((await server.get(`/apps/${appId}/draft-app-config`, { token })).body.data).toEqual(before);
    });

    it('publishes numbered versions, lists them newest first, and falls back into the draft', async () => {
      const appId = await newApp();
      await draft(appId, { preset_prompt: 'version one' });
      const v1 = await server.post(`/apps/${appId}/publish`, { token });
      expect(v1.status).toBe(200);
      expect(v1.body.data.version).toBe(1);
      expect((await server.get(`/apps/${appId}`, { token })).body.data.status).toBe('published');
      await draft(appId, { preset_prompt: 'version two' });
      const v2 = await server.post(`/apps/${appId}/publish`, { token });
      expect(v2.body.data.version).toBe(2);
      await draft(appId, { preset_prompt: 'unpublished edit' });

      const history = await server.get(`/apps/${appId}/publish-histories?page_size=1`, { token });
      expect(history.body.data.paginator).toEqual({ current_page: 1, page_size: 1, total_page: 2, total_record: 2 });
      expect(history.body.data.list[0]).toMatchObject({ version: 2, config: { preset_prompt: 'version two' } });

      const back = await server.post(`/apps/${appId}/fallback-history`, {
        token,
        body: { app_config_version_id: v1.body.data.app_config_version_id },
      });
      expect(back.status).toBe(200);
      expect(back.body.data.preset_prompt).toBe('version one');
      expect((await server.get(`/apps/${appId}/draft-app-config`, { token })).body.data.preset_prompt).toBe('version one');
      const stillTwo = await server.get(`/apps/${appId}/publish-histories`, { token });
      expect(stillTwo.body.data.list.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    });

    it('gives concurrent publishes consecutive versions', async () => {
      const appId = await newApp();
      const results = await Promise.all([1, 2, 3].map(() => server.post(`/apps/${appId}/publish`, { token })));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(results.map((r) => r.body.data.version).sort()).toEqual([1, 2, 3]);
    });

    it('cancels a publication, and refuses to cancel a draft', async () => {
      const appId = await newApp();
      expect((await server.post(`/apps/${appId}/cancel-publish`, { token })).status).toBe(400);
      await server.post(`/apps/${appId}/publish`, { token });
      const res = await server.post(`/apps/${appId}/cancel-publish`, { token });
      expect(res.status).toBe(200);
      expect((await server.get(`/apps/${appId}`, { token })).body.data.status).toBe('draft');
    });

    it('copies the draft configuration with the app', async () => {
      const appId = await newApp();
      await draft(appId, { preset_prompt: 'copied prompt', dialog_round: 9 });
      const copy = await server.post(`/apps/${appId}/copy`, { token });
      const config = await server.get(`/apps/${copy.body.data.id}/draft-app-config`, { token });
      expect(config.body.data).toMatchObject({ preset_prompt: 'copied prompt', dialog_round: 9 });
    });

    it('refuses a version of another app, and every route for another account', async () => {
      const appId = await newApp();
      const otherApp = await newApp();
      const v = await server.post(`/apps/${otherApp}/publish`, { token });
      const wrong = await server.post(`/apps/${appId}/fallback-history`, {
        token,
        body: { app_config_version_id: v.body.data.app_config_version_id },
      });
      expect(wrong.status).toBe(404);
      const attempts = await Promise.all([
        server.get(`/apps/${appId}/draft-app-config`, { token: otherToken }),
        draft(appId, { dialog_round: 1 }, otherToken),
        server.post(`/apps/${appId}/publish`, { token: otherToken }),
        server.post(`/apps/${appId}/cancel-publish`, { token: otherToken }),
        server.get(`/apps/${appId}/publish-histories`, { token: otherToken }),
        server.post(`/apps/${otherApp}/fallback-history`, {
          token: otherToken,
          body: { app_config_version_id: v.body.data.app_config_version_id },
        }),
      ]);
      for (const res of attempts) expect(res.status).toBe(404);
      expect((await server.get(`/apps/${appId}/draft-app-config`, { token })).body.data.dialog_round).toBe(3);
    });
  });
}
