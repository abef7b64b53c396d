import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../internal/extension/database.js';
import { createLogger } from '../../../internal/extension/logger.js';
import { TEST_DATABASE_URL } from '../../helpers/environment.js';
import { createTestDatabase } from '../../helpers/test-database.js';

const logger = createLogger('silent');
const journal = JSON.parse(await readFile(new URL('../../../internal/migration/meta/_journal.json', import.meta.url), 'utf8')) as {
  entries: unknown[];
};

async function appliedMigrations(database: Database): Promise<number> {
  const result = await database.db.execute(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
  return (result.rows[0] as { n: number }).n;
}

async function tables(database: Database): Promise<string[]> {
  const result = await database.db.execute(sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  return result.rows.map((r) => (r as { tablename: string }).tablename);
}

const EXPECTED_TABLES = [
  'account_identities',
  'accounts',
  'analytics_rollup_state',
  'api_tool_providers',
  'app_api_keys',
  'app_config_versions',
  'app_daily_end_users',
  'app_daily_stats',
  'apps',
  'builtin_tool_credentials',
  'conversations',
  'dataset_permissions',
  'dataset_queries',
  'datasets',
  'documents',
  'invitations',
  'login_attempts',
  'mcp_servers',
  'message_agent_thoughts',
  'message_files',
  'messages',
  'provider_credentials',
  'revoked_tokens',
  'segments',
  'upload_files',
  'workflow_node_executions',
  'workflow_runs',
  'workflow_tool_providers',
  'workflows',
  'workspace_members',
  'workspaces',
];

describe('migrations on PGlite', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('migrate an empty database, and again an already-migrated one without change', async () => {
    const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-migrate-'));
    dirs.push(storageDir);
    const options = { databaseUrl: '', storageDir, poolSize: 1, logger, migrate: true };
    const first = await openDatabase(options);
    expect(await tables(first)).toEqual(EXPECTED_TABLES);
    expect(await appliedMigrations(first)).toBe(journal.entries.length);
    await first.db.execute(sql`INSERT INTO accounts (name, email, password_hash) VALUES ('kept', 'kept@example.com', 'x')`);
    await first.close();

    const second = await openDatabase(options);
    expect(await appliedMigrations(second)).toBe(journal.entries.length);
    const rows = await second.db.execute(sql`SELECT email FROM accounts`);
    expect(rows.rows).toEqual([{ email: 'kept@example.com' }]);
    await second.close();
  });

  it('`npm run db:migrate` migrates the configured embedded database', async () => {
    const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-migrate-cli-'));
    dirs.push(storageDir);
    const run = promisify(execFile);
    const { stdout } = await run('npm', ['run', '--silent', 'db:migrate'], {
      env: { ...process.env, STORAGE_DIR: storageDir, DATABASE_URL: '', LOG_LEVEL: 'info' },
    });
    expect(stdout).toContain('migrations applied');
    const database = await openDatabase({ databaseUrl: '', storageDir, poolSize: 1, logger, migrate: false });
    expect(await tables(database)).toEqual(EXPECTED_TABLES);
    await database.close();
  });
});

describe.skipIf(!TEST_DATABASE_URL)(
  `migrations on PostgreSQL${TEST_DATABASE_URL ? '' : ' (skipped: TEST_DATABASE_URL is not set)'}`,
  () => {
    it('two processes starting at once both come up, and the migrations run once', async () => {
      const target = await createTestDatabase();
      try {
        const options = { databaseUrl: target.url, storageDir: '', poolSize: 2, logger, migrate: true };
        const [a, b] = await Promise.all([openDatabase(options), openDatabase(options)]);
        expect(await tables(a)).toEqual(EXPECTED_TABLES);
        expect(await appliedMigrations(b)).toBe(journal.entries.length);
        await Promise.all([a.close(), b.close()]);
        const again = await openDatabase(options);
        expect(await appliedMigrations(again)).toBe(journal.entries.length);
        expect(again.kind).toBe('postgres');
        await again.close();
      } finally {
        await target.drop();
      }
    });

    it('starts without pgvector and reports vector search unavailable', async () => {
      const target = await createTestDatabase();
      try {
        const database = await openDatabase({ databaseUrl: target.url, storageDir: '', poolSize: 1, logger, migrate: true });
        const installed = await database.db.execute(sql`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
        expect(database.vectorAvailable).toBe(installed.rows.length > 0);
        await database.close();
      } finally {
        await target.drop();
      }
    });
  },
);
