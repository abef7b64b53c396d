import { and, asc, eq, ne } from 'drizzle-orm';
import type { Db } from '../../extension/database.js';
import { WorkspaceRole } from '../../entity/workspace-entity.js';
import { accounts, type Account } from '../../model/account.js';
import { workspaceMembers, workspaces } from '../../model/workspace.js';

/** An account's own workspace, made current: what a new sign-up gets, and what a member removed from their last workspace gets. */
export async function createPersonalWorkspace(tx: Db, account: Pick<Account, 'id' | 'name'>): Promise<string> {
  const [workspace] = await tx
    .insert(workspaces)
    .values({ name: `${account.name}'s Workspace`.slice(0, 100) })
    .returning({ id: workspaces.id });
  await joinWorkspace(tx, account.id, workspace!.id, WorkspaceRole.Owner, null);
  return workspace!.id;
}

/** Adds the membership and makes the workspace the account's current one. */
export async function joinWorkspace(tx: Db, accountId: string, workspaceId: string, role: WorkspaceRole, invitedBy: string | null) {
  await tx.insert(workspaceMembers).values({ workspaceId, accountId, role, invitedBy }).onConflictDoNothing();
  await tx.update(accounts).set({ currentWorkspaceId: workspaceId }).where(eq(accounts.id, accountId));
}

/**
 * After an account left `leftWorkspaceId`: if that was its current workspace, moves it to its oldest other
 * membership, or to a new workspace of its own when it has none left, so it never signs in to nothing.
 */
export async function rehomeAccount(tx: Db, accountId: string, leftWorkspaceId: string): Promise<void> {
  const [account] = await tx
    .select({ id: accounts.id, name: accounts.name, current: accounts.currentWorkspaceId })
    .from(accounts)
    .where(eq(accounts.id, accountId))
    .for('update');
  if (!account || (account.current !== leftWorkspaceId && account.current !== null)) return;
  const [other] = await tx
    .select({ workspaceId: workspaceMembers.workspaceId })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.accountId, accountId), ne(workspaceMembers.workspaceId, leftWorkspaceId)))
    .orderBy(asc(workspaceMembers.createdAt))
    .limit(1);
  if (other) await tx.update(accounts).set({ currentWorkspaceId: other.workspaceId }).where(eq(accounts.id, accountId));
  else await createPersonalWorkspace(tx, account);
}
