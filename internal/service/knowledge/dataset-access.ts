import { and, eq, exists, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../extension/database.js';
import { FailError, ForbiddenError, NotFoundError } from '../../exception/app-error.js';
import { DatasetPermission, WorkspaceRole } from '../../entity/workspace-entity.js';
import { datasetPermissions, datasets, type Dataset } from '../../model/dataset.js';
import { workspaceMembers } from '../../model/workspace.js';
import type { Actor } from '../identity/permissions.js';

/**
 * Which members see a dataset, as Dify has it: its creator only, the whole team, or listed members
 * (and its creator). Owners and admins see every dataset of their workspace. Apps use the datasets
 * they are given whoever sees them: this governs the console, not retrieval.
 */
export class DatasetAccess {
  constructor(private readonly db: Db) {}

  /** The condition on `datasets` for what the actor sees; undefined when it sees them all. */
  visible(actor: Actor): SQL | undefined {
    if (seesAll(actor)) return undefined;
    const shared = exists(
      this.db
        .select({ one: sql`1` })
        .from(datasetPermissions)
        .where(and(eq(datasetPermissions.datasetId, datasets.id), eq(datasetPermissions.accountId, actor.accountId))),
    );
    return or(
      eq(datasets.permission, DatasetPermission.AllTeamMembers),
      eq(datasets.createdBy, actor.accountId),
      and(eq(datasets.permission, DatasetPermission.PartialMembers), shared),
    );
  }

  /** The dataset, if it is in the actor's workspace (else not found) and the actor sees it (else forbidden). */
  async check(actor: Actor, datasetId: string): Promise<Dataset> {
    const [row] = await this.db
      .select({ dataset: datasets, visible: this.visible(actor) ?? sql<boolean>`true` })
      .from(datasets)
      .where(and(eq(datasets.id, datasetId), eq(datasets.workspaceId, actor.workspaceId)))
      .limit(1);
    if (!row) throw new NotFoundError('dataset not found');
    if (!row.visible) throw new ForbiddenError('this dataset is not shared with you; its creator or an admin can share it');
    return row.dataset;
  }

  /** The listed members of partial_members datasets. */
  async members(datasetIds: string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(datasetIds.map((id) => [id, []]));
    if (datasetIds.length === 0) return result;
    const rows = await this.db.select().from(datasetPermissions).where(inArray(datasetPermissions.datasetId, datasetIds));
    for (const r of rows) result.get(r.datasetId)?.push(r.accountId);
    return result;
  }

  /**
   * Sets who sees the dataset; only its creator, an owner or an admin may. Every listed account must be
   * a member of the workspace; nothing is written when one is not.
   */
  async set(actor: Actor, dataset: Dataset, permission: DatasetPermission, memberIds: string[] = []): Promise<void> {
    if (!seesAll(actor) && dataset.createdBy !== actor.accountId) {
      throw new ForbiddenError("only the dataset's creator, an owner or an admin may change who sees it");
    }
    const listed = await this.checkedMembers(actor, permission, memberIds);
    await this.db.transaction(async (tx) => {
      await tx.update(datasets).set({ permission, updatedAt: new Date() }).where(eq(datasets.id, dataset.id));
      await this.write(tx, dataset.id, listed);
    });
  }

  /** The listed accounts, once each, after checking they are all members of the workspace (nothing is written otherwise). */
  async checkedMembers(actor: Actor, permission: DatasetPermission, memberIds: string[]): Promise<string[]> {
    const listed = permission === DatasetPermission.PartialMembers ? [...new Set(memberIds)] : [];
    if (listed.length === 0) return listed;
    const found = await this.db
      .select({ accountId: workspaceMembers.accountId })
      .from(workspaceMembers)
      .where(and(eq(workspaceMembers.workspaceId, actor.workspaceId), inArray(workspaceMembers.accountId, listed)));
    const members = new Set(found.map((m) => m.accountId));
    const strangers = listed.filter((id) => !members.has(id));
    if (strangers.length > 0) throw new FailError(`not members of this workspace: ${strangers.join(', ')}`);
    return listed;
  }

  /** Replaces the dataset's member list. */
  async write(tx: Db, datasetId: string, listed: string[]): Promise<void> {
    await tx.delete(datasetPermissions).where(eq(datasetPermissions.datasetId, datasetId));
    if (listed.length > 0) await tx.insert(datasetPermissions).values(listed.map((accountId) => ({ datasetId, accountId })));
  }
}

function seesAll(actor: Actor): boolean {
  return actor.role === WorkspaceRole.Owner || actor.role === WorkspaceRole.Admin;
}
