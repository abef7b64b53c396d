import { and, eq, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { NotFoundError } from '../exception/app-error.js';
import type { Db } from '../extension/database-contract.js';

/** A table whose rows belong to a workspace. */
export type WorkspaceTable = PgTable & { id: PgColumn; workspaceId: PgColumn };

/** The row with this id in this workspace (and any further conditions): the filter every owned read and write uses. */
export function inWorkspace(table: WorkspaceTable, workspaceId: string, id: string, ...also: Array<SQL | undefined>): SQL {
  return and(eq(table.id, id), eq(table.workspaceId, workspaceId), ...also)!;
}

/**
 * The row with this id in this workspace, or `not_found` with `message`: another workspace's id is
 * not found rather than forbidden, so ids do not tell what exists elsewhere.
 */
export async function findInWorkspace<T extends WorkspaceTable>(
  db: Db,
  table: T,
  workspaceId: string,
  id: string,
  message: string,
  ...also: Array<SQL | undefined>
): Promise<T['$inferSelect']> {
  const [row] = await db
    .select()
    .from(table as PgTable)
    .where(inWorkspace(table, workspaceId, id, ...also))
    .limit(1);
  if (!row) throw new NotFoundError(message);
  return row as T['$inferSelect'];
}
