import { eq, sql } from 'drizzle-orm';
import type { ChangeFeed } from '../../extension/change-feed.js';
import type { Db } from '../../extension/database.js';
import { accountTag } from '../../lib/hot-cache.js';
import { FailError, NotFoundError, ValidationError } from '../../exception/app-error.js';
import { hashPassword, verifyPassword } from '../../lib/password.js';
import { accounts, type Account } from '../../model/account.js';
import type { IssuedToken, TokenService } from './token-service.js';

export class AccountService {
  constructor(
    private readonly db: Db,
    private readonly tokens: TokenService,
    private readonly feed: ChangeFeed,
  ) {}

  updateName(accountId: string, name: string): Promise<Account> {
    return this.update(accountId, { name });
  }

  updateAvatar(accountId: string, avatar: string): Promise<Account> {
    return this.update(accountId, { avatar });
  }

  private async update(accountId: string, fields: { name?: string; avatar?: string }): Promise<Account> {
    const [account] = await this.db
      .update(accounts)
      .set({ ...fields, updatedAt: new Date() })
      .where(eq(accounts.id, accountId))
      .returning();
    if (!account) throw new NotFoundError('account not found');
    await this.feed.publish(accountTag(accountId));
    return account;
  }

  /**
   * Changes the password and bumps the token version, which signs out every other session;
   * the caller gets a fresh token so the session that made the change stays signed in.
   */
  async updatePassword(account: Account, oldPassword: string | undefined, newPassword: string): Promise<IssuedToken> {
    // An account made by OAuth sign-in has no password yet: it sets its first one without an old one.
    if (account.passwordHash) {
      if (oldPassword === undefined) throw new ValidationError('old_password: required to change the password');
      if (!(await verifyPassword(account.passwordHash, oldPassword))) throw new FailError('old password is incorrect');
      if (oldPassword === newPassword) throw new FailError('new password must differ from the old one');
    }
    const passwordHash = await hashPassword(newPassword);
    const [updated] = await this.db
      .update(accounts)
      .set({ passwordHash, tokenVersion: sql`${accounts.tokenVersion} + 1`, updatedAt: new Date() })
      .where(eq(accounts.id, account.id))
      .returning({ tokenVersion: accounts.tokenVersion });
    if (!updated) throw new NotFoundError('account not found');
    await this.feed.publish(accountTag(account.id));
    return this.tokens.issue(account.id, updated.tokenVersion);
  }
}
