import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../extension/database.js';
import type { OAuthChecks, OAuthProvider, OAuthProviderName } from '../../extension/oauth-providers.js';
import { FailError, ForbiddenError, NotFoundError } from '../../exception/app-error.js';
import { decryptText, deriveKey, encryptText } from '../../lib/crypto.js';
import { isUniqueViolation } from '../../lib/pg-error.js';
import { accountIdentities, accounts, type Account } from '../../model/account.js';
import { invitations } from '../../model/workspace.js';
import type { AuthService } from './auth-service.js';
import type { IssuedToken } from './token-service.js';
import { createPersonalWorkspace } from './workspace-membership.js';

/** How long a started sign-in may take at the provider before its callback is refused. */
const SIGN_IN_WINDOW_MS = 10 * 60_000;

interface PendingSignIn extends OAuthChecks {
  provider: OAuthProviderName;
  expiresAt: number;
}

/** Sign-in with GitHub, Google or an OpenID Connect provider: the account is found by identity, then by verified email, or made. */
export class OAuthService {
  private readonly sealKey: Uint8Array;

  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    private readonly providers: Map<OAuthProviderName, OAuthProvider>,
    private readonly settings: { allowRegister: boolean; secretKey: string },
  ) {
    this.sealKey = deriveKey(settings.secretKey, 'oauth-sign-in');
  }

  enabled(): Array<{ name: OAuthProviderName; label: string }> {
    return [...this.providers.values()].map((p) => ({ name: p.name, label: p.label }));
  }

  /** The provider's URL to send the browser to, and the sealed checks the browser keeps until it comes back. */
  async start(name: OAuthProviderName, redirectUri: string): Promise<{ url: string; sealed: string }> {
    const provider = this.provider(name);
    const { url, checks } = await this.talk(provider, () => provider.start(redirectUri));
    const pending: PendingSignIn = { ...checks, provider: name, expiresAt: Date.now() + SIGN_IN_WINDOW_MS };
    return { url, sealed: encryptText(this.sealKey, JSON.stringify(pending)) };
  }

  async finish(
    name: OAuthProviderName,
    callbackUrl: URL,
    redirectUri: string,
    sealed: string | undefined,
    ip: string,
  ): Promise<IssuedToken> {
    const provider = this.provider(name);
    const error = callbackUrl.searchParams.get('error');
    if (error)
      throw new FailError(
        `sign-in with ${provider.label} was not completed: ${callbackUrl.searchParams.get('error_description') || error}`,
      );
    const pending = this.open(sealed);
    if (!pending || pending.provider !== name || pending.expiresAt < Date.now()) {
      throw new FailError('this sign-in was not started in this browser or took too long; start it again');
    }
    const identity = await this.talk(provider, () => provider.finish(callbackUrl, redirectUri, pending));
    if (!identity.email || !identity.emailVerified) {
      throw new ForbiddenError(`${provider.label} did not give a verified email address for this account`);
    }
    const account = await this.accountFor(name, identity, ip);
    return this.auth.signIn(account, ip);
  }

  private async accountFor(
    provider: OAuthProviderName,
    identity: { subject: string; email: string; name: string; avatar: string },
    ip: string,
  ) {
    const [linked] = await this.db
      .select({ account: accounts })
      .from(accountIdentities)
      .innerJoin(accounts, eq(accounts.id, accountIdentities.accountId))
      .where(and(eq(accountIdentities.provider, provider), eq(accountIdentities.subject, identity.subject)))
      .limit(1);
    if (linked) return linked.account;
    const link = (tx: Db, account: Account) =>
      tx.insert(accountIdentities).values({ accountId: account.id, provider, subject: identity.subject, email: identity.email });
    const [existing] = await this.db.select().from(accounts).where(eq(accounts.email, identity.email)).limit(1);
    if (existing) {
      // The provider vouches for the email, and the email is the account's: the same person.
      await link(this.db, existing).catch((err: unknown) => {
        if (!isUniqueViolation(err)) throw err;
      });
      return existing;
    }
    if (!this.settings.allowRegister && !(await this.invited(identity.email))) {
      throw new ForbiddenError('registration is closed on this server; ask a workspace admin for an invitation');
    }
    const name = (identity.name || identity.email.split('@')[0]!).slice(0, 100);
    try {
      return await this.auth.createAccount(
        { email: identity.email, name, password: null, avatar: identity.avatar },
        ip,
        async (tx, account) => {
          await createPersonalWorkspace(tx, account);
          await link(tx, account);
        },
      );
    } catch (err) {
      // Two callbacks of one person at once: the other made the account; sign in to it.
      const [made] = await this.db.select().from(accounts).where(eq(accounts.email, identity.email)).limit(1);
      if (made) return made;
      throw err;
    }
  }

  private async invited(email: string): Promise<boolean> {
    const [pending] = await this.db
      .select({ id: invitations.id })
      .from(invitations)
      .where(and(eq(invitations.email, email), isNull(invitations.acceptedAt), gt(invitations.expiresAt, new Date())))
      .limit(1);
    return Boolean(pending);
  }

  private provider(name: OAuthProviderName): OAuthProvider {
    const provider = this.providers.get(name);
    if (!provider) throw new NotFoundError(`sign-in with ${name} is not set up on this server`);
    return provider;
  }

  /** The provider's refusals and failures are the caller's to see (a bad code, a check that failed, the provider down). */
  private async talk<T>(provider: OAuthProvider, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof FailError || err instanceof ForbiddenError) throw err;
      throw new FailError(`sign-in with ${provider.label} failed: ${(err as Error).message}`);
    }
  }

  private open(sealed: string | undefined): PendingSignIn | undefined {
    if (!sealed) return undefined;
    try {
      return JSON.parse(decryptText(this.sealKey, sealed)) as PendingSignIn;
    } catch {
      return undefined;
    }
  }
}
