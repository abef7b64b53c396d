import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccount } from '../../helpers/accounts.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`apps on ${backendTitle(backend)}`, () => {
    let server: TestServer;
    let token: string;
    let otherToken: string;

    beforeAll(async () => {
      server = await startTestServer(backend);
      token = (await registerAccount(server, 'Owner')).token;
      otherToken = (await registerAccount(server, 'Stranger')).token;
    });
    afterAll(() => server?.close());

    const createApp = async (body: Record<string, unknown>, as = token) => {
      const res = await server.post('/apps', { token: as, body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data;
    };

    describe('create', () => {
      it('creates a draft app with trimmed fields', async () => {
        const app = await createApp({ name: '  Support bot ', icon: '🦜', description: ' Answers questions ' });
        expect(app).toEqual({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name: 'Support bot',
          icon: '🦜',
          description: 'Answers questions',
          mode: 'chat',
          status: 'draft',
          web_app_token: null,
          created_at: expect.any(Number),
          updated_at: expect.any(Number),
        });
        expect((await server.get(`/apps/${app.id}`, { token })).body.data).toEqual(app);
      });

      it('gives a default icon and an empty description', async () => {
        const app = await createApp({ name: 'Bare' });
        expect(app.icon).toBe('🤖');
        expect(app.description).toBe('');
      });

      it.each(['🧑🏽‍🚀', '🇯🇵', '❤️', '👨‍👩‍👧‍👦', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', 'https://cdn.example.com/icons/bot.png'])('accepts the icon %s', async (icon) => {
        expect((await createApp({ name: 'Iconic', icon })).icon).toBe(icon);
      });

      it.each([
        ['a blank name', { name: '   ' }, 'name'],
        ['a missing name', { icon: '🦜' }, 'name'],
        ['a name over 64 characters', { name: 'n'.repeat(65) }, 'name'],
        ['an icon that is text', { name: 'x', icon: 'robot' }, 'icon'],
        ['an icon of two emoji', { name: 'x', icon: '🦜🦜' }, 'icon'],
        ['an icon URL of another scheme', { name: 'x', icon: 'javascript:alert(1)' }, 'icon'],
        // Hundreds of thousands of graphemes: refused by length, not segmented one object each.
        ['an icon of 900 KB of emoji', { name: 'x', icon: '🦜'.repeat(230_000) }, 'icon'],
        ['a description over 800 characters', { name: 'x', description: 'd'.repeat(801) }, 'description'],
      ])('rejects %s, naming the field', async (_label, body, field) => {
        const before = (await server.get('/apps', { token })).body.data.paginator.total_record;
        const res = await server.post('/apps', { token, body });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('validate_error');
        expect(res.body.message.startsWith(`${field}:`)).toBe(true);
        expect((await server.get('/apps', { token })).body.data.paginator.total_record).toBe(before);
      });

      it('needs a token', async () => {
        const res = await server.post('/apps', { body: { name: 'x' } });
        expect(res.status).toBe(401);
      });
    });

    describe('update, copy, delete', () => {
      it('updates only the fields given', async () => {
        const app = await createApp({ name: 'Before', icon: '🦜', description: 'keep me' });
        const res = await server.post(`/apps/${app.id}`, { token, body: { name: ' After ' } });
        expect(res.status).toBe(200);
        expect(res.body.data).toMatchObject({ id: app.id, name: 'After', icon: '🦜', description: 'keep me' });
        expect(res.body.data.updated_at).toBeGreaterThanOrEqual(app.updated_at);
      });

      it('rejects an empty update and a bad field', async () => {
        const app = await createApp({ name: 'Stable' });
        const empty = await server.post(`/apps/${app.id}`, { token, body: {} });
        expect(empty.status).toBe(400);
        expect(empty.body.message).toMatch(/at least one of name, icon, description/);
        const bad = await server.post(`/apps/${app.id}`, { token, body: { name: '' } });
        expect(bad.status).toBe(400);
        expect((await server.get(`/apps/${app.id}`, { token })).body.data.name).toBe('Stable');
      });

      it('copies into a new draft with a suffixed name that still fits', async () => {
        const app = await createApp({ name: 'L'.repeat(64), icon: '🦜', description: 'source' });
        const res = await server.post(`/apps/${app.id}/copy`, { token });
        expect(res.status).toBe(200);
        expect(res.body.data.id).not.toBe(app.id);
        expect(res.body.data.name).toBe(`${'L'.repeat(57)} (copy)`);
        expect(res.body.data).toMatchObject({ icon: '🦜', description: 'source', status: 'draft' });
      });

      it('deletes, after which the app is not found', async () => {
        const app = await createApp({ name: 'Doomed' });
        const res = await server.post(`/apps/${app.id}/delete`, { token });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ code: 'success', message: 'app deleted', data: {} });
        expect((await server.get(`/apps/${app.id}`, { token })).status).toBe(404);
        expect((await server.post(`/apps/${app.id}/delete`, { token })).status).toBe(404);
      });

      it('answers 400 for an id that is not a UUID and 404 for an unknown one', async () => {
        const bad = await server.get('/apps/not-a-uuid', { token });
        expect(bad.status).toBe(400);
        expect(bad.body.message).toBe('app_id: must be a UUID');
        const missing = await server.get(`/apps/${MISSING_ID}`, { token });
        expect(missing.status).toBe(404);
        expect(missing.body).toMatchObject({ code: 'not_found', message: 'app not found' });
      });
    });

    describe("another account's app", () => {
      it('is not found for get, update, copy and delete, and is left unchanged', async () => {
        const app = await createApp({ name: 'Private' });
        const attempts = [
          server.get(`/apps/${app.id}`, { token: otherToken }),
          server.post(`/apps/${app.id}`, { token: otherToken, body: { name: 'Hijacked' } }),
          server.post(`/apps/${app.id}/copy`, { token: otherToken }),
          server.post(`/apps/${app.id}/delete`, { token: otherToken }),
        ];
        for (const res of await Promise.all(attempts)) {
          expect(res.status).toBe(404);
          expect(res.body).toEqual({ code: 'not_found', message: 'app not found', data: {} });
        }
        expect((await server.get(`/apps/${app.id}`, { token })).body.data.name).toBe('Private');
      });

      it('never shows in the list', async () => {
        await createApp({ name: 'Owned by stranger' }, otherToken);
        const list = await server.get('/apps?page_size=100', { token });
        expect(list.body.data.list.map((a: { name: string }) => a.name)).not.toContain('Owned by stranger');
      });
    });

    describe('list', () => {
      let listToken: string;
      beforeAll(async () => {
        listToken = (await registerAccount(server, 'Lister')).token;
        for (let i = 1; i <= 5; i++) await createApp({ name: `App ${i}` }, listToken);
        await createApp({ name: '100% sure_thing' }, listToken);
      });

      it('pages newest first with the paginator', async () => {
        const first = await server.get('/apps?current_page=1&page_size=4', { token: listToken });
        expect(first.status).toBe(200);
        expect(first.body.data.paginator).toEqual({ current_page: 1, page_size: 4, total_page: 2, total_record: 6 });
        expect(first.body.data.list.map((a: { name: string }) => a.name)).toEqual(['100% sure_thing', 'App 5', 'App 4', 'App 3']);
        const second = await server.get('/apps?current_page=2&page_size=4', { token: listToken });
        expect(second.body.data.list.map((a: { name: string }) => a.name)).toEqual(['App 2', 'App 1']);
      });

      it('answers an empty page past the end', async () => {
        const res = await server.get('/apps?current_page=9&page_size=4', { token: listToken });
        expect(res.status).toBe(200);
        expect(res.body.data.list).toEqual([]);
        expect(res.body.data.paginator).toEqual({ current_page: 9, page_size: 4, total_page: 2, total_record: 6 });
      });

      it('defaults to page 1 of 20', async () => {
        const res = await server.get('/apps', { token: listToken });
        expect(res.body.data.paginator).toEqual({ current_page: 1, page_size: 20, total_page: 1, total_record: 6 });
      });

      it('searches names case-insensitively and treats % and _ literally', async () => {
        const app = await server.get('/apps?search_word=app%203', { token: listToken });
        expect(app.body.data.list.map((a: { name: string }) => a.name)).toEqual(['App 3']);
        const percent = await server.get(`/apps?search_word=${encodeURIComponent('0% s')}`, { token: listToken });
        expect(percent.body.data.list.map((a: { name: string }) => a.name)).toEqual(['100% sure_thing']);
        const underscore = await server.get('/apps?search_word=_', { token: listToken });
        expect(underscore.body.data.paginator.total_record).toBe(1);
        const none = await server.get('/apps?search_word=zzz', { token: listToken });
        expect(none.body.data).toEqual({ list: [], paginator: { current_page: 1, page_size: 20, total_page: 0, total_record: 0 } });
      });

      it.each([
        ['current_page=0', 'current_page'],
        ['page_size=0', 'page_size'],
        ['page_size=101', 'page_size'],
        ['page_size=abc', 'page_size'],
        ['current_page=1.5', 'current_page'],
      ])('rejects %s', async (query, field) => {
        const res = await server.get(`/apps?${query}`, { token: listToken });
        expect(res.status).toBe(400);
        expect(res.body.message.startsWith(`${field}:`)).toBe(true);
      });
    });
  });
}
