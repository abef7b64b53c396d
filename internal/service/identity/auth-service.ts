import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { ChangeFeed } from '../../extension/change-feed.js';
import type { Db } from '../../extension/database.js';
import type { WorkspaceRole } from '../../entity/workspace-entity.js';
import { ForbiddenError, RateLimitedError, UnauthorizedError } from '../../exception/app-error.js';
import { hashPassword, timingDummyHash, verifyPassword } from '../../lib/password.js';
import { unlessDuplicate } from '../../lib/pg-error.js';
import { accounts, loginAttempts, revokedTokens, type Account } from '../../model/account.js';
import { workspaceMembers } from '../../model/workspace.js';
import { createPersonalWorkspace } from './workspace-membership.js';
import { accountTag, HotCache, tokenTag } from '../../lib/hot-cache.js';
import type { AccessTokenClaims, IssuedToken, TokenService } from './token-service.js';

export interface AuthSettings {
  allowRegister: boolean;
  loginMaxFailures: number;
  loginLockSeconds: number;
}

export interface AuthenticatedAccount {
  account: Account;
  claims: AccessTokenClaims;
  /** The current workspace and the role there; null when the account belongs to none (it then acts on its profile only). */
  workspace: { id: string; role: WorkspaceRole } | null;
}

type SessionRow = { account: Account; revoked: string | null; workspaceId: string | null; role: WorkspaceRole | null };

/** Registration, password login, logout, token checks and the login lock-out. */
export class AuthService {
  private readonly sessions: HotCache<SessionRow>;
  private readonly accountForToken: ReturnType<typeof prepareAccountForToken>;

  constructor(
    private readonly db: Db,
    private readonly tokens: TokenService,
    private readonly settings: AuthSettings,
    private readonly feed: ChangeFeed,
  ) {
    this.accountForToken = prepareAccountForToken(db);
    this.sessions = new HotCache(feed);
  }

  async register(input: { email: string; password: string; name: string }, ip: string): Promise<IssuedToken> {
    if (!this.settings.allowRegister) throw new ForbiddenError('registration is closed on this server');
    const account = await this.createAccount(input, ip, createPersonalWorkspace);
    return this.issue(account);
  }

  /**
   * Inserts an account and, in the same transaction, gives it its first workspace (its own, or the one
   * it was invited to), so no account is ever seen without one.
   */
  async createAccount(
    input: { email: string; password: string | null; name: string; avatar?: string },
    ip: string,
    join: (tx: Db, account: Account) => Promise<unknown>,
  ): Promise<Account> {
    // An account made by OAuth sign-in has no password: no hash matches the empty string.
    const passwordHash = input.password === null ? '' : await hashPassword(input.password);
    return unlessDuplicate(
      this.db.transaction(async (tx) => {
        const [account] = await tx
          .insert(accounts)
          .values({
            email: input.email,
            name: input.name,
            avatar: input.avatar ?? '',
            passwordHash,
            lastLoginAt: new Date(),
            lastLoginIp: ip,
          })
          .returning();
        await join(tx, account!);
        return account!;
      }),
      'email is already registered',
    );
  }

  issue(account: Account): Promise<IssuedToken> {
    return this.tokens.issue(account.id, account.tokenVersion);
  }

  /** A sign-in by another way than the password (OAuth): records it as a login and issues a token. */
  async signIn(account: Account, ip: string): Promise<IssuedToken> {
    await this.db.update(accounts).set({ lastLoginAt: new Date(), lastLoginIp: ip }).where(eq(accounts.id, account.id));
    await this.feed.publish(accountTag(account.id));
    return this.issue(account);
  }

  async passwordLogin(input: { email: string; password: string }, ip: string): Promise<IssuedToken> {
    await this.assertNotLocked(input.email);
    const [account] = await this.db.select().from(accounts).where(eq(accounts.email, input.email)).limit(1);
    const valid = await verifyPassword(account?.passwordHash || (await timingDummyHash()), input.password);
    if (!account || !account.passwordHash || !valid) {
      await this.recordFailure(input.email);
      throw new UnauthorizedError('email or password is incorrect');
    }
    await this.db.transaction(async (tx) => {
      await tx.delete(loginAttempts).where(eq(loginAttempts.email, input.email));
      await tx.update(accounts).set({ lastLoginAt: new Date(), lastLoginIp: ip }).where(eq(accounts.id, account.id));
    });
    await this.feed.publish(accountTag(account.id));
    return this.tokens.issue(account.id, account.tokenVersion);
  }

  async logout(claims: AccessTokenClaims): Promise<void> {
    await this.db
      .insert(revokedTokens)
      .values({ jti: claims.jti, accountId: claims.accountId, expiresAt: claims.expiresAt })
      .onConflictDoNothing();
    await this.feed.publish(tokenTag(claims.jti));
  }

  /** Verifies the token, then that its account exists, the token was not revoked and predates no password change. */
  async authenticate(token: string): Promise<AuthenticatedAccount> {
    const claims = await this.tokens.verify(token);
    // Cached per token: a logout, a password change, a profile edit, a workspace switch or a membership change
    // (role, removal) on any node drops it (see accountTag, tokenTag), so a removed member is out at once.
    const row = await this.sessions.get(
      claims.jti,
      async () => (await this.accountForToken.execute({ jti: claims.jti, accountId: claims.accountId }))[0],
      (r) => [accountTag(r.account.id), tokenTag(claims.jti)],
    );
    if (!row || row.revoked || row.account.tokenVersion !== claims.version) {
      throw new UnauthorizedError('access token is no longer valid; log in again');
    }
    const workspace = row.workspaceId && row.role ? { id: row.workspaceId, role: row.role } : null;
    return { account: row.account, claims, workspace };
  }

  /** Drops lock-out rows and revocations that can no longer matter. Run by the periodic cleanup job. */
  async purgeExpired(now = new Date()): Promise<{ loginAttempts: number; revokedTokens: number }> {
    const windowStart = new Date(now.getTime() - this.settings.loginLockSeconds * 1000);
    const attempts = await this.db
      .delete(loginAttempts)
      .where(and(or(isNull(loginAttempts.lockedUntil), lt(loginAttempts.lockedUntil, now)), lt(loginAttempts.lastFailedAt, windowStart)))
      .returning({ email: loginAttempts.email });
    const revoked = await this.db.delete(revokedTokens).where(lt(revokedTokens.expiresAt, now)).returning({ jti: revokedTokens.jti });
    return { loginAttempts: attempts.length, revokedTokens: revoked.length };
  }

  private async assertNotLocked(email: string): Promise<void> {
    const now = new Date();
    const [locked] = await this.db
      .select({ lockedUntil: loginAttempts.lockedUntil })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.email, email), gt(loginAttempts.lockedUntil, now)))
      .limit(1);
    if (locked?.lockedUntil) {
      const retryAfter = Math.ceil((locked.lockedUntil.getTime() - now.getTime()) / 1000);
      throw new RateLimitedError(`too many failed logins for this email; try again in ${retryAfter} seconds`, retryAfter);
    }
  }

  /**
   * Counts a failure in one upsert, so concurrent guesses cannot slip past the limit. A count
   * restarts when the previous lock has ended or the last failure is older than the lock window.
   */
  private async recordFailure(email: string): Promise<void> {
    const { loginMaxFailures: max, loginLockSeconds: lockSeconds } = this.settings;
    const stale = sql`(${loginAttempts.lockedUntil} IS NOT NULL AND ${loginAttempts.lockedUntil} <= now())
      OR ${loginAttempts.lastFailedAt} < now() - make_interval(secs => ${lockSeconds})`;
    const nextCount = sql`CASE WHEN ${stale} THEN 1 ELSE ${loginAttempts.failedCount} + 1 END`;
    await this.db
      .insert(loginAttempts)
      .values({
        email,
        failedCount: 1,
        lastFailedAt: sql`now()`,
        lockedUntil: max <= 1 ? sql`now() + make_interval(secs => ${lockSeconds})` : null,
      })
      .onConflictDoUpdate({
        target: loginAttempts.email,
        set: {
          failedCount: nextCount,
          lastFailedAt: sql`now()`,
          lockedUntil: sql`CASE WHEN ${nextCount} >= ${max} THEN now() + make_interval(secs => ${lockSeconds}) ELSE NULL END`,
        },
      });
  }
}

/** Runs on every authenticated request, so it is built once. */
function prepareAccountForToken(db: Db) {
  return db
    .select({ account: accounts, revoked: revokedTokens.jti, workspaceId: workspaceMembers.workspaceId, role: workspaceMembers.role })
    .from(accounts)
    .leftJoin(revokedTokens, eq(revokedTokens.jti, sql.placeholder('jti')))
    .leftJoin(
      workspaceMembers,
      and(eq(workspaceMembers.workspaceId, accounts.currentWorkspaceId), eq(workspaceMembers.accountId, accounts.id)),
    )
    .where(eq(accounts.id, sql.placeholder('accountId')))
    .limit(1)
    .prepare('account_for_token');
}
