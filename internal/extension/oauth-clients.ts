import * as oidc from 'openid-client';
import type { Config } from '../../config/config.js';
import type { OAuthChecks, OAuthIdentity, OAuthProvider, OAuthProviderName } from './oauth-providers.js';

/** The OAuth and OpenID Connect clients the config turns on, by name. */
export function createOAuthProviders(config: Config): Map<OAuthProviderName, OAuthProvider> {
  const providers = new Map<OAuthProviderName, OAuthProvider>();
  if (config.githubClientId) providers.set('github', new GitHubProvider(config));
  if (config.googleClientId) {
    providers.set(
      'google',
      new OpenIdProvider('google', 'Google', config.googleIssuerUrl, config.googleClientId, config.googleClientSecret),
    );
  }
  if (config.oidcClientId) {
    providers.set(
      'oidc',
      new OpenIdProvider('oidc', config.oidcDisplayName, config.oidcIssuerUrl, config.oidcClientId, config.oidcClientSecret),
    );
  }
  return providers;
}

/** Plain http is refused by openid-client unless allowed; a self-hoster's own IdP on http was configured so on purpose. */
function insecureIfHttp(url: string) {
  return url.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined;
}

async function newChecks(withNonce: boolean): Promise<{ checks: OAuthChecks; challenge: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  return {
    checks: { state: oidc.randomState(), verifier, nonce: withNonce ? oidc.randomNonce() : null },
    challenge: await oidc.calculatePKCECodeChallenge(verifier),
  };
}

/** Google and any OpenID Connect provider: discovery, code flow with PKCE, ID token verified (signature, issuer, audience, nonce). */
class OpenIdProvider implements OAuthProvider {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(
    readonly name: OAuthProviderName,
    readonly label: string,
    private readonly issuer: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
  ) {}

  async start(redirectUri: string) {
    const config = await this.configuration();
    const { checks, challenge } = await newChecks(true);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce!,
    });
    return { url: url.href, checks };
  }

  async finish(callbackUrl: URL, redirectUri: string, checks: OAuthChecks): Promise<OAuthIdentity> {
    const config = await this.configuration();
    const tokens = await oidc.authorizationCodeGrant(
      config,
      callbackUrl,
      { pkceCodeVerifier: checks.verifier, expectedState: checks.state, expectedNonce: checks.nonce ?? undefined, idTokenExpected: true },
      { redirect_uri: redirectUri },
    );
    let claims: Record<string, unknown> = { ...tokens.claims() };
    if (typeof claims.email !== 'string') {
      // Some providers put the email in userinfo only.
      claims = { ...claims, ...(await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub))) };
    }
    return {
      subject: String(claims.sub),
      email: typeof claims.email === 'string' ? claims.email.toLowerCase() : '',
      emailVerified: claims.email_verified === true || claims.email_verified === 'true',
      name: typeof claims.name === 'string' ? claims.name : '',
      avatar: typeof claims.picture === 'string' ? claims.picture : '',
    };
  }

  /** Discovered on first use (not at start-up, so a provider that is down does not stop the server), then kept. */
  private configuration(): Promise<oidc.Configuration> {
    this.discovered ??= oidc
      .discovery(new URL(this.issuer), this.clientId, this.clientSecret, undefined, insecureIfHttp(this.issuer))
      .catch((err: unknown) => {
        this.discovered = undefined;
        throw err;
      });
    return this.discovered;
  }
}

/** GitHub is OAuth 2.0 without OpenID Connect: the code is exchanged, then the API says who it is and which emails are verified. */
class GitHubProvider implements OAuthProvider {
  readonly name = 'github' as const;
  readonly label = 'GitHub';
  private readonly config: oidc.Configuration;
  private readonly apiUrl: string;

  constructor(settings: Config) {
    const base = settings.githubUrl.replace(/\/+$/, '');
    this.apiUrl = settings.githubApiUrl.replace(/\/+$/, '');
    this.config = new oidc.Configuration(
      { issuer: base, authorization_endpoint: `${base}/login/oauth/authorize`, token_endpoint: `${base}/login/oauth/access_token` },
      settings.githubClientId,
      settings.githubClientSecret,
    );
    if (base.startsWith('http://')) oidc.allowInsecureRequests(this.config);
  }

  async start(redirectUri: string) {
    const { checks, challenge } = await newChecks(false);
    const url = oidc.buildAuthorizationUrl(this.config, {
      redirect_uri: redirectUri,
      scope: 'read:user user:email',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: checks.state,
    });
    return { url: url.href, checks };
  }

  async finish(callbackUrl: URL, redirectUri: string, checks: OAuthChecks): Promise<OAuthIdentity> {
    const tokens = await oidc.authorizationCodeGrant(
      this.config,
      callbackUrl,
      { pkceCodeVerifier: checks.verifier, expectedState: checks.state },
      { redirect_uri: redirectUri },
    );
    const [user, emails] = await Promise.all([
      this.api<{ id: number; login: string; name: string | null; avatar_url: string }>('/user', tokens.access_token),
      this.api<Array<{ email: string; primary: boolean; verified: boolean }>>('/user/emails', tokens.access_token),
    ]);
    const primary = emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.verified);
    return {
      subject: String(user.id),
      email: primary?.email.toLowerCase() ?? '',
      emailVerified: Boolean(primary),
      name: user.name || user.login,
      avatar: user.avatar_url ?? '',
    };
  }

  private async api<T>(path: string, accessToken: string): Promise<T> {
    const res = await fetch(`${this.apiUrl}${path}`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/vnd.github+json', 'user-agent': 'LLMOps' },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`GitHub ${path} answered ${res.status}`);
    return (await res.json()) as T;
  }
}
