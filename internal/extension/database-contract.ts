import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from '../model/index.js';
import type { Logger } from './logger.js';

/** Both drivers answer raw queries with `{ rows }`; typing that lets callers of `execute` read rows. */
export interface RowsResultHKT extends PgQueryResultHKT {
  type: { rows: Record<string, unknown>[] };
}

export type Db = PgDatabase<RowsResultHKT, typeof schema>;

export interface Database {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  /** Whether pgvector is installed; only vector search needs it. */
  readonly vectorAvailable: boolean;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string;
  storageDir: string;
  poolSize: number;
  /** Page cache of the embedded database, in MiB. */
  sharedBuffersMb?: number;
  logger: Logger;
  /** Apply pending migrations while opening (the server does; `db:migrate` calls it explicitly). */
  migrate: boolean;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migration', import.meta.url));

/** Closing twice (a failed start, then shutdown) must not throw. */
export function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
