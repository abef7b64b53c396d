import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from '../model/index.js';
import type { Logger } from './logger.js';
import { embeddedDataDir, PgliteThread } from './pglite-thread.js';

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

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migration', import.meta.url));
/** Arbitrary constant key: every process migrating the same database serialises on it. */
const MIGRATION_LOCK_KEY = 7_302_118_450;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options) : openPglite(options);
}

async function openPglite({ storageDir, logger, migrate, sharedBuffersMb = 32 }: DatabaseOptions): Promise<Database> {
  const client = await PgliteThread.start({ dataDir: embeddedDataDir(storageDir), sharedBuffersMb });
  const db = drizzlePglite(client as unknown as PGlite, { schema }) as unknown as Db;
  try {
    await client.exec('CREATE EXTENSION IF NOT EXISTS vector');
    if (migrate) await migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (err) {
    await client.close();
    throw err;
  }
  logger.info({ dataDir: embeddedDataDir(storageDir) }, 'embedded database ready');
  return {
    db,
    kind: 'pglite',
    vectorAvailable: true,
    ping: async () => {
      await client.query('SELECT 1');
    },
    close: once(() => client.close()),
  };
}

async function openPostgres({ databaseUrl, poolSize, logger, migrate }: DatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', (err) => logger.warn({ err }, 'idle database connection failed'));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  try {
    if (migrate) await migratePostgres(pool);
    const vectorAvailable = await enableVector(pool);
    if (!vectorAvailable) {
      logger.warn('pgvector is not installed on this PostgreSQL: vector search is disabled, keyword search works');
    }
    logger.info({ poolSize }, 'PostgreSQL ready');
    return {
      db,
      kind: 'postgres',
      vectorAvailable,
      ping: async () => {
        await db.execute(sql`SELECT 1`);
      },
      close: once(() => pool.end()),
    };
  } catch (err) {
    await pool.end();
    throw err;
  }
}

/** Session-level advisory lock on one connection, so two processes starting together migrate once. */
async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

async function enableVector(pool: pg.Pool): Promise<boolean> {
  const available = await pool.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
  if (available.rowCount === 0) return false;
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS vector');
    return true;
  } catch {
    // Installed but this role may not create it: treat as unavailable rather than fail start-up.
    return false;
  }
}

/** Closing twice (a failed start, then shutdown) must not throw. */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
