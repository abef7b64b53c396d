import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../lib/crypto.js';
import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { ChangeFeed } from '../../extension/change-feed.js';
import type { Db } from '../../extension/database.js';
import { FailError, ForbiddenError, NotFoundError } from '../../exception/app-error.js';
import { INVITATION_TTL_HOURS, WorkspaceRole } from '../../entity/workspace-entity.js';
import { accounts, type Account } from '../../model/account.js';
import { invitations, workspaceMembers, workspaces } from '../../model/workspace.js';
import type { Logger } from '../../extension/logger.js';
import type { Mailer } from '../../extension/mailer.js';
import type { AuthService } from './auth-service.js';
import { accountTag } from '../../lib/hot-cache.js';
import { requirePermission, Permission, type Actor } from './permissions.js';
import type { IssuedToken } from './token-service.js';
import { joinWorkspace, rehomeAccount } from './workspace-membership.js';

export interface MemberView {
  account: Account;
  role: WorkspaceRole;
}

export type InvitationStatus = 'invited' | 'already_member';
/** Whether the link also went out by mail: `off` when no SMTP server is configured. */
export type InvitationMail = 'sent' | 'failed' | 'off';

export interface InvitationResult {
  email: string;
  status: InvitationStatus;
  /** The single-use link; null for someone already in the workspace. */
  url: string | null;
  mail: InvitationMail;
}

/** A workspace's members, their roles, and invitations into it. */
export class MemberService {
  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    private readonly feed: ChangeFeed,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
  ) {}

  async list(actor: Actor): Promise<MemberView[]> {
    return this.db
      .select({ account: accounts, role: workspaceMembers.role })
      .from(workspaceMembers)
      .innerJoin(accounts, eq(accounts.id, workspaceMembers.accountId))
      .where(eq(workspaceMembers.workspaceId, actor.workspaceId))
      .orderBy(asc(workspaceMembers.createdAt), asc(accounts.id));
  }

  /**
   * One link per email (`${origin}/activate?token=...`); an earlier unused invitation of the same email to
   * this workspace is replaced. The links are mailed when SMTP is configured, after they are stored.
   */
  async invite(actor: Actor, emails: string[], role: WorkspaceRole, origin: string): Promise<InvitationResult[]> {
    if (role === WorkspaceRole.Owner) throw new FailError('nobody is invited as owner; transfer ownership instead');
    const unique = [...new Set(emails)];
    const members = await this.db
      .select({ email: accounts.email })
      .from(workspaceMembers)
      .innerJoin(accounts, eq(accounts.id, workspaceMembers.accountId))
      .where(and(eq(workspaceMembers.workspaceId, actor.workspaceId), inArray(accounts.email, unique)));
    const inside = new Set(members.map((m) => m.email));
    const results: InvitationResult[] = [];
    await this.db.transaction(async (tx) => {
      for (const email of unique) {
        if (inside.has(email)) {
          results.push({ email, status: 'already_member', url: null, mail: 'off' });
          continue;
        }
        const token = randomBytes(32).toString('base64url');
        await tx
          .delete(invitations)
          .where(and(eq(invitations.workspaceId, actor.workspaceId), eq(invitations.email, email), isNull(invitations.acceptedAt)));
        await tx.insert(invitations).values({
          workspaceId: actor.workspaceId,
          email,
          role,
          tokenHash: sha256Hex(token),
          invitedBy: actor.accountId,
          expiresAt: new Date(Date.now() + INVITATION_TTL_HOURS * 3600_000),
        });
        results.push({ email, status: 'invited', url: `${origin}/activate?token=${token}`, mail: 'off' });
      }
    });
    if (this.mailer.enabled) await this.mailAll(actor, role, results);
    return results;
  }

  private async mailAll(actor: Actor, role: WorkspaceRole, results: InvitationResult[]): Promise<void> {
    const [context] = await this.db
      .select({ workspace: workspaces.name, inviter: accounts.name })
      .from(workspaces)
      .innerJoin(accounts, eq(accounts.id, actor.accountId))
      .where(eq(workspaces.id, actor.workspaceId))
      .limit(1);
    await Promise.all(
      results
        .filter((r) => r.url)
        .map(async (result) => {
          try {
            await this.mailer.send({
              to: result.email,
              subject: `${context?.inviter ?? 'Someone'} invited you to ${context?.workspace ?? 'a workspace'} on LLMOps`,
              text: [
                `${context?.inviter ?? 'Someone'} invited you to join the workspace "${context?.workspace ?? ''}" as ${role}.`,
                '',
                `Accept within ${INVITATION_TTL_HOURS} hours: ${result.url}`,
                '',
                'The link works once. If you did not expect this, ignore this mail.',
              ].join('\n'),
            });
            result.mail = 'sent';
          } catch (err) {
            // The link is still shown to the inviter, who can pass it on.
            this.logger.warn({ err: (err as Error).message, workspaceId: actor.workspaceId }, 'invitation mail failed');
            result.mail = 'failed';
          }
        }),
    );
  }

  /** A new person joins through the link: the account is made with the invited email, whatever ALLOW_REGISTER says. */
  async activate(input: { token: string; name: string; password: string }, ip: string): Promise<IssuedToken> {
    const invitation = await this.pending(input.token);
    const person = { email: invitation.email, name: input.name, password: input.password };
    const account = await this.auth.createAccount(person, ip, (tx, created) => this.use(tx, invitation.id, created.id, invitation));
    return this.auth.issue(account);
  }

  /** A signed-in person joins through the link; it must have been sent to their email. */
  async accept(account: Account, token: string): Promise<{ workspaceId: string; role: WorkspaceRole }> {
    const invitation = await this.pending(token);
    if (invitation.email !== account.email) throw new ForbiddenError('this invitation was sent to another email address');
    await this.db.transaction((tx) => this.use(tx, invitation.id, account.id, invitation));
    await this.feed.publish(accountTag(account.id));
    return { workspaceId: invitation.workspaceId, role: invitation.role };
  }

  async setRole(actor: Actor, accountId: string, role: WorkspaceRole): Promise<MemberView> {
    if (role === WorkspaceRole.Owner) throw new FailError('ownership moves by transfer: POST /workspaces/current/transfer-ownership');
    const target = await this.member(actor, accountId);
    if (target.role === WorkspaceRole.Owner) throw new ForbiddenError("the owner's role changes only by transferring ownership");
    if (accountId === actor.accountId) throw new ForbiddenError('you cannot change your own role');
    await this.db
      .update(workspaceMembers)
      .set({ role, updatedAt: new Date() })
      .where(and(eq(workspaceMembers.workspaceId, actor.workspaceId), eq(workspaceMembers.accountId, accountId)));
    await this.feed.publish(accountTag(accountId));
    return { ...target, role };
  }

  /** Removes another member. */
  async remove(actor: Actor, accountId: string): Promise<void> {
    const target = await this.member(actor, accountId);
    if (target.role === WorkspaceRole.Owner) throw new ForbiddenError('the owner cannot be removed; transfer ownership first');
    if (accountId === actor.accountId) throw new ForbiddenError('you cannot remove yourself; leave the workspace instead');
    await this.drop(actor.workspaceId, accountId);
  }

  /** A member leaves the current workspace by themselves; the owner must hand it over first. */
  async leave(actor: Actor): Promise<void> {
    if (actor.role === WorkspaceRole.Owner) throw new ForbiddenError('the owner cannot leave; transfer ownership first');
    await this.drop(actor.workspaceId, actor.accountId);
  }

  /** Ends a membership and moves the account on; its sessions on every node lose the workspace at once (accountTag). */
  private async drop(workspaceId: string, accountId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .delete(workspaceMembers)
        .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.accountId, accountId)));
      await rehomeAccount(tx, accountId, workspaceId);
    });
    await this.feed.publish(accountTag(accountId));
  }

  /** The owner hands the workspace to another member and becomes an admin. */
  async transferOwnership(actor: Actor, accountId: string): Promise<void> {
    requirePermission(actor, Permission.OwnershipTransfer);
    if (accountId === actor.accountId) throw new FailError('you already own this workspace');
    await this.member(actor, accountId);
    await this.db.transaction(async (tx) => {
      const inWorkspace = eq(workspaceMembers.workspaceId, actor.workspaceId);
      await tx
        .update(workspaceMembers)
        .set({ role: WorkspaceRole.Admin, updatedAt: new Date() })
        .where(and(inWorkspace, eq(workspaceMembers.accountId, actor.accountId)));
      await tx
        .update(workspaceMembers)
        .set({ role: WorkspaceRole.Owner, updatedAt: new Date() })
        .where(and(inWorkspace, eq(workspaceMembers.accountId, accountId)));
    });
    await Promise.all([this.feed.publish(accountTag(accountId)), this.feed.publish(accountTag(actor.accountId))]);
  }

  private async member(actor: Actor, accountId: string): Promise<MemberView> {
    const [row] = await this.db
      .select({ account: accounts, role: workspaceMembers.role })
      .from(workspaceMembers)
      .innerJoin(accounts, eq(accounts.id, workspaceMembers.accountId))
      .where(and(eq(workspaceMembers.workspaceId, actor.workspaceId), eq(workspaceMembers.accountId, accountId)))
      .limit(1);
    if (!row) throw new NotFoundError('member not found');
    return row;
  }

  private async pending(token: string) {
    const [invitation] = await this.db
      .select()
      .from(invitations)
      .where(and(eq(invitations.tokenHash, sha256Hex(token)), isNull(invitations.acceptedAt), gt(invitations.expiresAt, new Date())))
      .limit(1);
    if (!invitation) throw new NotFoundError('invitation not found, already used, or expired');
    return invitation;
  }

  /** Marks the invitation used (once: a second use of the same link finds nothing) and adds the membership. */
  private async use(
    tx: Db,
    invitationId: string,
    accountId: string,
    invitation: { workspaceId: string; role: WorkspaceRole; invitedBy: string },
  ) {
    const used = await tx
      .update(invitations)
      .set({ acceptedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(invitations.id, invitationId), isNull(invitations.acceptedAt)))
      .returning({ id: invitations.id });
    if (used.length === 0) throw new NotFoundError('invitation not found, already used, or expired');
    await joinWorkspace(tx, accountId, invitation.workspaceId, invitation.role, invitation.invitedBy);
  }
}
