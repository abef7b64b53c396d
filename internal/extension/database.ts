import type { PGlite } from '@electric-sql/pglite';
import { defaultConfig } from '../../config/default-config.js';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import * as schema from '../model/index.js';
import { MIGRATIONS_FOLDER, once, type Database, type DatabaseOptions, type Db } from './database-contract.js';
import { embeddedDataDir, PgliteThread } from './pglite-thread.js';

export type { Database, DatabaseOptions, Db, RowsResultHKT } from './database-contract.js';

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  // The PostgreSQL driver loads only where it is used: the embedded default starts without it.
  return options.databaseUrl ? (await import('./postgres-database.js')).openPostgres(options) : openPglite(options);
}

async function openPglite({
  storageDir,
  logger,
  migrate,
  sharedBuffersMb = defaultConfig.embeddedDbSharedBuffersMb,
}: DatabaseOptions): Promise<Database> {
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
