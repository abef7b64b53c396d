import type { Config } from '../../config/config.js';

/** Who the provider says signed in. */
export interface OAuthIdentity {
  /** The provider's stable id for the person (GitHub's user id, the ID token's `sub`). */
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string;
  avatar: string;
}

/** What must come back with the callback for it to be believed: kept in a sealed cookie meanwhile. */
export interface OAuthChecks {
  state: string;
  verifier: string;
  nonce: string | null;
}

export interface OAuthProvider {
  readonly name: OAuthProviderName;
  readonly label: string;
  /** The provider's authorization URL (PKCE S256, state and, for OpenID Connect, a nonce). */
  start(redirectUri: string): Promise<{ url: string; checks: OAuthChecks }>;
  /** Exchanges the callback's code and reads the person; throws when a check fails or the provider refuses. */
  finish(callbackUrl: URL, redirectUri: string, checks: OAuthChecks): Promise<OAuthIdentity>;
}

export const OAUTH_PROVIDERS = ['github', 'google', 'oidc'] as const;
export type OAuthProviderName = (typeof OAUTH_PROVIDERS)[number];

/** Whether the config turns any provider on: only then does the OpenID client (oauth-clients.ts) need loading. */
export function anyOAuthProvider(config: Config): boolean {
  return Boolean(config.githubClientId || config.googleClientId || config.oidcClientId);
}
