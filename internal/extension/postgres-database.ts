import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from '../model/index.js';
import { MIGRATIONS_FOLDER, once, type Database, type DatabaseOptions, type Db } from './database-contract.js';

/** Arbitrary constant key: every process migrating the same database serialises on it. */
const MIGRATION_LOCK_KEY = 7_302_118_450;

export async function openPostgres({ databaseUrl, poolSize, logger, migrate }: DatabaseOptions): Promise<Database> {
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
