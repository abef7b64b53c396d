// Makes dist/pglite-seed: an embedded database as it stands after initdb, pgvector and every
// migration. A server starting on an empty storage folder copies it instead of running initdb in
// WebAssembly (about 5 s here). Remade when PGlite, pgvector or the migrations change; if it cannot be
// made, servers still start, by running initdb themselves.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function seedKey(root) {
  const hash = createHash('sha256');
  for (const name of ['@electric-sql/pglite', '@electric-sql/pglite-pgvector', 'drizzle-orm']) {
    const manifest = path.join(root, 'node_modules', name, 'package.json');
    hash.update(`${name}@${JSON.parse(readFileSync(manifest, 'utf8')).version}\n`);
  }
  const migrations = path.join(root, 'internal/migration');
  for (const file of [
    ...readdirSync(migrations)
      .filter((f) => f.endsWith('.sql'))
      .sort(),
    'meta/_journal.json',
  ]) {
    hash.update(`${file}\n`).update(readFileSync(path.join(migrations, file)));
  }
  return hash.digest('hex');
}

export async function ensureSeed(root, out) {
  const seed = path.join(out, 'pglite-seed');
  const keyFile = path.join(out, 'pglite-seed.key');
  let key;
  try {
    key = seedKey(root);
  } catch (err) {
    process.stderr.write(`could not make dist/pglite-seed (servers will run initdb themselves): ${err.message}\n`);
    return;
  }
  if (existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key && existsSync(path.join(seed, 'PG_VERSION'))) return;

  const started = performance.now();
  const partial = `${seed}.partial`;
  rmSync(partial, { recursive: true, force: true });
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { vector } = await import('@electric-sql/pglite-pgvector');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const client = await PGlite.create({ dataDir: partial, extensions: { vector } });
    try {
      await client.exec('CREATE EXTENSION IF NOT EXISTS vector');
      await migrate(drizzle(client), { migrationsFolder: path.join(root, 'internal/migration') });
      await client.exec('CHECKPOINT');
    } finally {
      await client.close();
    }
    rmSync(keyFile, { force: true });
    rmSync(seed, { recursive: true, force: true });
    renameSync(partial, seed);
    writeFileSync(keyFile, key);
    process.stderr.write(`made dist/pglite-seed in ${Math.round(performance.now() - started)} ms\n`);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    process.stderr.write(`could not make dist/pglite-seed (servers will run initdb themselves): ${err.message}\n`);
  }
}
