import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../fixtures/fake-github.js';
import { OidcServer } from '../../fixtures/oidc-server.js';
import { PASSWORD, registerAccount } from '../../helpers/accounts.js';
import { browserSignIn } from '../../helpers/oauth-browser.js';
import { tokenOf } from '../../helpers/teams.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

describe('sign-in with GitHub, Google and OpenID Connect against real local servers', () => {
  let server: TestServer;
  let closed: TestServer;
  const github = new FakeGitHub('gh-client', 'gh-secret');
  const oidc = new OidcServer();
  const google = new OidcServer();

  beforeAll(async () => {
    await Promise.all([github.start(), oidc.listen(), google.listen()]);
    const settings = {
      githubClientId: github.clientId,
      githubClientSecret: github.clientSecret,
      githubUrl: github.baseUrl,
      githubApiUrl: github.baseUrl,
      googleClientId: 'google-client',
      googleClientSecret: 'google-secret',
      googleIssuerUrl: google.issuer,
      oidcIssuerUrl: oidc.issuer,
      oidcClientId: 'sso-client',
      oidcClientSecret: 'sso-secret',
      oidcDisplayName: 'Company SSO',
    };
    server = await startTestServer({ db: 'pglite', redis: false }, settings);
    closed = await startTestServer({ db: 'pglite', redis: false }, { ...settings, allowRegister: false });
    // Both servers are registered clients of the providers, as an admin would register them.
    for (const [provider, id, secret] of [
      [oidc, 'sso-client', 'sso-secret'],
      [google, 'google-client', 'google-secret'],
    ] as const) {
      const name = provider === oidc ? 'oidc' : 'google';
      provider.register({
        clientId: id,
        clientSecret: secret,
        redirectUris: [server, closed].map((s) => `${s.baseUrl}/oauth/authorize/${name}`),
      });
    }
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await closed?.close();
    await Promise.all([github.close(), oidc.close(), google.close()]);
  });

  const person = (sub: string, email: string, verified = true) => ({ sub, email, email_verified: verified, name: `Person ${sub}` });

  it('GET /auth/providers tells a sign-in page what is on; a provider that is not set up is not found', async () => {
    const res = await server.get('/auth/providers');
    expect(res.body.data).toEqual({
      password: true,
      register: true,
      providers: [
        { name: 'github', label: 'GitHub', url: '/oauth/github' },
        { name: 'google', label: 'Google', url: '/oauth/google' },
        { name: 'oidc', label: 'Company SSO', url: '/oauth/oidc' },
      ],
    });
    const plain = await startTestServer({ db: 'pglite', redis: false });
    try {
      expect((await plain.get('/auth/providers')).body.data.providers).toEqual([]);
      const off = await plain.get('/oauth/github');
      expect(off.status).toBe(404);
      expect(off.body.message).toContain('not set up');
    } finally {
      await plain.close();
    }
  });

  it('OpenID Connect: a new person gets an account and a workspace; signing in again is the same account', async () => {
    oidc.users.set('alice', person('alice', 'alice@corp.example'));
    const first = await browserSignIn(`${server.baseUrl}/oauth/oidc`, 'alice');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const token = first.body.data.access_token;
    const me = (await server.get('/account', { token })).body.data;
    expect(me).toMatchObject({ email: 'alice@corp.example', name: 'Person alice' });
    expect((await server.get('/workspaces', { token })).body.data).toEqual([expect.objectContaining({ role: 'owner', current: true })]);
    // The provider's id, not the email, is the link: a changed email at the provider still finds the account.
    oidc.users.set('alice', person('alice', 'alice.new@corp.example'));
    const again = await browserSignIn(`${server.baseUrl}/oauth/oidc`, 'alice');
    expect((await server.get('/account', { token: again.body.data.access_token })).body.data.id).toBe(me.id);
    // No password was set: password sign-in cannot get in, until the account sets its first one.
    const password = await server.post('/auth/password-login', { body: { email: 'alice@corp.example', password: 'anything1' } });
    expect(password.status).toBe(401);
    const set = await server.post('/account/password', { token, body: { new_password: 'first-passw0rd' } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const login = await server.post('/auth/password-login', { body: { email: 'alice@corp.example', password: 'first-passw0rd' } });
    expect(login.status).toBe(200);
  });

  it('a verified email that has an account signs in to it; an unverified one is refused', async () => {
    const existing = await registerAccount(server, 'Bob');
    const id = (await server.get('/account', { token: existing.token })).body.data.id;
    oidc.users.set('bob', person('bob', existing.email));
    const linked = await browserSignIn(`${server.baseUrl}/oauth/oidc`, 'bob');
    expect((await server.get('/account', { token: linked.body.data.access_token })).body.data.id).toBe(id);
    expect((await server.post('/auth/password-login', { body: { email: existing.email, password: PASSWORD } })).status).toBe(200);

    oidc.users.set('mallory', person('mallory', `victim-${Date.now()}@example.com`, false));
    const refused = await browserSignIn(`${server.baseUrl}/oauth/oidc`, 'mallory');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('verified email');
  });

  it('a browser goes back to the console: the session in the fragment, or the reason it was refused', async () => {
    oidc.users.set('dora', person('dora', 'dora@corp.example'));
    const signedIn = await browserSignIn(`${server.baseUrl}/oauth/oidc`, 'dora', undefined, true);
    expect(signedIn.status).toBe(302);
    expect(signedIn.location!.pathname).toBe('/signin');
    const fragment = new URLSearchParams(signedIn.location!.hash.slice(1));
    expect((await server.get('/account', { token: fragment.get('access_token')! })).body.data.email).toBe('dora@corp.example');
    expect(Number(fragment.get('expire_at'))).toBeGreaterThan(Date.now() / 1000);

    oidc.users.set('eve', person('eve', `eve-${Date.now()}@example.com`, false));
    const refused = await browserSignIn(`${server.baseUrl}/oauth/oidc`, 'eve', undefined, true);
    expect(refused.location!.pathname).toBe('/signin');
    expect(refused.location!.hash).toBe('');
    expect(refused.location!.searchParams.get('error')).toContain('verified email');
  });

  it('a callback whose state was changed, or that no sign-in of this browser started, is refused', async () => {
    oidc.users.set('carol', person('carol', 'carol@corp.example'));
    const forged = await browserSignIn(`${server.baseUrl}/oauth/oidc`, 'carol', (url) => {
      url.searchParams.set('state', 'forged-state');
      return url;
    });
    expect(forged.status).toBe(400);
    expect(forged.body.message).toContain('Company SSO');
    const stray = await server.get('/oauth/authorize/oidc?code=abc&state=def');
    expect(stray.status).toBe(400);
    expect(stray.body.message).toContain('start it again');
    const denied = await server.get('/oauth/authorize/oidc?error=access_denied&error_description=User+said+no');
    expect(denied.status).toBe(400);
    expect(denied.body.message).toContain('User said no');
    expect((await server.get('/oauth/nope')).status).toBe(400);
  });

  it('GitHub: the verified primary email signs in; an account with no verified email is refused', async () => {
    github.signedIn = {
      id: 4242,
      login: 'octocat',
      name: null,
      emails: [
        { email: 'old@octo.example', primary: false, verified: false },
        { email: 'Octo@Octo.example', primary: true, verified: true },
      ],
    };
    const res = await browserSignIn(`${server.baseUrl}/oauth/github`, '');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const me = (await server.get('/account', { token: res.body.data.access_token })).body.data;
    expect(me).toMatchObject({ email: 'octo@octo.example', name: 'octocat', avatar: 'https://avatars.example/4242' });

    github.signedIn = { id: 7, login: 'ghost', name: 'Ghost', emails: [{ email: 'ghost@octo.example', primary: true, verified: false }] };
    const refused = await browserSignIn(`${server.baseUrl}/oauth/github`, '');
    expect(refused.status).toBe(403);
  });

  it('Google: signs in through its OpenID Connect endpoints', async () => {
    google.users.set('g-123', person('g-123', 'dana@gmail.example'));
    const res = await browserSignIn(`${server.baseUrl}/oauth/google`, 'g-123');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await server.get('/account', { token: res.body.data.access_token })).body.data.email).toBe('dana@gmail.example');
  });

  it('with registration closed, only an invited person gets an account by OAuth, and joins with the invitation', async () => {
    oidc.users.set('erin', person('erin', 'erin@corp.example'));
    const refused = await browserSignIn(`${closed.baseUrl}/oauth/oidc`, 'erin');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('invitation');

    oidc.users.set('root', person('root', 'root@corp.example'));
    const { createPersonalWorkspace } = await import('../../../internal/service/identity/workspace-membership.js');
    await closed.module.services.auth.createAccount(
      { email: 'root@corp.example', password: PASSWORD, name: 'Root' },
      '',
      createPersonalWorkspace,
    );
    const root = (await closed.post('/auth/password-login', { body: { email: 'root@corp.example', password: PASSWORD } })).body.data
      .access_token;
    const invited = await closed.post('/workspaces/current/members/invite', {
      token: root,
      body: { emails: ['erin@corp.example'], role: 'editor' },
    });
    const signedIn = await browserSignIn(`${closed.baseUrl}/oauth/oidc`, 'erin');
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    const erin = signedIn.body.data.access_token;
    const accepted = await closed.post('/invitations/accept', {
      token: erin,
      body: { token: tokenOf(invited.body.data.invitations[0].url) },
    });
    expect(accepted.body.data.role).toBe('editor');
    expect((await closed.get('/workspaces/current/members', { token: erin })).body.data.list).toHaveLength(2);
  });
});
