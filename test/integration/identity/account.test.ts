import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, registerAccount } from '../../helpers/accounts.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`account on ${backendTitle(backend)}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend);
    });
    afterAll(() => server?.close());

    it('GET /account answers the current account in wire shape', async () => {
      const { email, token } = await registerAccount(server, 'Grace');
      const res = await server.get('/account', { token });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Grace',
        email,
        avatar: '',
        last_login_at: expect.any(Number),
        last_login_ip: '127.0.0.1',
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
      });
      expect(Number.isInteger(res.body.data.created_at)).toBe(true);
    });

    it('POST /account/name trims and saves the name', async () => {
      const { token } = await registerAccount(server);
      const res = await server.post('/account/name', { token, body: { name: '  Linus  ' } });
      expect(res.status).toBe(200);
      expect(res.body.data.name).toBe('Linus');
      expect((await server.get('/account', { token })).body.data.name).toBe('Linus');
    });

    it.each([
      ['blank', { name: ' ' }],
      ['too long', { name: 'x'.repeat(101) }],
      ['missing', {}],
    ])('POST /account/name rejects a %s name', async (_label, body) => {
      const { token } = await registerAccount(server);
      const res = await server.post('/account/name', { token, body });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validate_error');
      expect(res.body.message).toMatch(/^name:/);
    });

    it('POST /account/avatar takes an image URL or one emoji, clears with empty, and refuses anything else', async () => {
      const { token } = await registerAccount(server);
      for (const avatar of ['https://cdn.example.com/me.png', '🦊', '']) {
        const res = await server.post('/account/avatar', { token, body: { avatar } });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect((await server.get('/account', { token })).body.data.avatar).toBe(avatar);
      }
      for (const avatar of ['javascript:alert(1)', 'two words', '🦊🦊']) {
        const res = await server.post('/account/avatar', { token, body: { avatar } });
        expect(res.status).toBe(400);
        expect(res.body.message).toMatch(/^avatar:/);
      }
      expect((await server.get('/account', { token })).body.data.avatar).toBe('');
    });

    it('POST /account/name needs a token', async () => {
      const res = await server.post('/account/name', { body: { name: 'x' } });
      expect(res.status).toBe(401);
    });

    describe('POST /account/password', () => {
      it('changes the password, signs out other sessions and keeps this one', async () => {
        const { email, token } = await registerAccount(server);
        const other = (await server.post('/auth/password-login', { body: { email, password: PASSWORD } })).body.data.access_token;
        const res = await server.post('/account/password', { token, body: { old_password: PASSWORD, new_password: 'new-passw0rd-42' } });
        expect(res.status).toBe(200);
        const fresh = res.body.data.access_token;
        expect((await server.get('/account', { token: fresh })).status).toBe(200);
        expect((await server.get('/account', { token })).status).toBe(401);
        expect((await server.get('/account', { token: other })).status).toBe(401);
        expect((await server.post('/auth/password-login', { body: { email, password: PASSWORD } })).status).toBe(401);
        expect((await server.post('/auth/password-login', { body: { email, password: 'new-passw0rd-42' } })).status).toBe(200);
      });

      it('refuses a wrong old password and keeps the old one', async () => {
        const { email, token } = await registerAccount(server);
        const res = await server.post('/account/password', {
          token,
          body: { old_password: 'wrong-passw0rd', new_password: 'new-passw0rd-42' },
        });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: 'fail', message: 'old password is incorrect' });
        expect((await server.post('/auth/password-login', { body: { email, password: PASSWORD } })).status).toBe(200);
        expect((await server.get('/account', { token })).status).toBe(200);
      });

      it('refuses the same password again', async () => {
        const { token } = await registerAccount(server);
        const res = await server.post('/account/password', { token, body: { old_password: PASSWORD, new_password: PASSWORD } });
        expect(res.status).toBe(400);
        expect(res.body.message).toBe('new password must differ from the old one');
      });

      it.each([
        ['a weak new password', { old_password: PASSWORD, new_password: 'short1' }, 'new_password'],
        ['a missing old password', { new_password: 'new-passw0rd-42' }, 'old_password'],
      ])('rejects %s, naming the field', async (_label, body, field) => {
        const { token } = await registerAccount(server);
        const res = await server.post('/account/password', { token, body });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('validate_error');
        expect(res.body.message.startsWith(`${field}:`)).toBe(true);
      });
    });
  });
}
