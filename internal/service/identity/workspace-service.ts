import { and, asc, eq } from 'drizzle-orm';
import type { ChangeFeed } from '../../extension/change-feed.js';
import type { Db } from '../../extension/database.js';
import { NotFoundError } from '../../exception/app-error.js';
import { WorkspaceRole } from '../../entity/workspace-entity.js';
import { accounts } from '../../model/account.js';
import { workspaceMembers, workspaces, type Workspace } from '../../model/workspace.js';
import { accountTag } from '../../lib/hot-cache.js';
import { joinWorkspace } from './workspace-membership.js';
import type { Actor } from './permissions.js';

export interface WorkspaceListItem {
  workspace: Workspace;
  role: WorkspaceRole;
  current: boolean;
}

/** The workspaces an account belongs to, which one it acts in, and the workspace's own settings. */
export class WorkspaceService {
  constructor(
    private readonly db: Db,
    private readonly feed: ChangeFeed,
  ) {}

  async list(accountId: string): Promise<WorkspaceListItem[]> {
    const rows = await this.db
      .select({ workspace: workspaces, role: workspaceMembers.role, current: accounts.currentWorkspaceId })
      .from(workspaceMembers)
      .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
      .innerJoin(accounts, eq(accounts.id, workspaceMembers.accountId))
      .where(eq(workspaceMembers.accountId, accountId))
      .orderBy(asc(workspaceMembers.createdAt), asc(workspaces.id));
    return rows.map((r) => ({ workspace: r.workspace, role: r.role, current: r.current === r.workspace.id }));
  }

  /** A new workspace owned by the account; it becomes the current one, as the owner will want to set it up next. */
  async create(accountId: string, name: string): Promise<WorkspaceListItem> {
    const workspace = await this.db.transaction(async (tx) => {
      const [created] = await tx.insert(workspaces).values({ name }).returning();
      await joinWorkspace(tx, accountId, created!.id, WorkspaceRole.Owner, null);
      return created!;
    });
    await this.feed.publish(accountTag(accountId));
    return { workspace, role: WorkspaceRole.Owner, current: true };
  }

  /** Makes another of the account's workspaces the current one; a workspace it is not a member of is not found. */
  async switch(accountId: string, workspaceId: string): Promise<WorkspaceListItem> {
    const [member] = await this.db
      .select({ workspace: workspaces, role: workspaceMembers.role })
      .from(workspaceMembers)
      .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
      .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.accountId, accountId)))
      .limit(1);
    if (!member) throw new NotFoundError('workspace not found');
    await this.db.update(accounts).set({ currentWorkspaceId: workspaceId }).where(eq(accounts.id, accountId));
    await this.feed.publish(accountTag(accountId));
    return { ...member, current: true };
  }

  async current(actor: Actor): Promise<WorkspaceListItem> {
    const [workspace] = await this.db.select().from(workspaces).where(eq(workspaces.id, actor.workspaceId)).limit(1);
    if (!workspace) throw new NotFoundError('workspace not found');
    return { workspace, role: actor.role, current: true };
  }

  async rename(actor: Actor, name: string): Promise<WorkspaceListItem> {
    const [workspace] = await this.db
      .update(workspaces)
      .set({ name, updatedAt: new Date() })
      .where(eq(workspaces.id, actor.workspaceId))
      .returning();
    if (!workspace) throw new NotFoundError('workspace not found');
    return { workspace, role: actor.role, current: true };
  }
}
