import { constants, cpSync, existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PreparedStatements } from './pglite-prepared.js';
import type { PgliteRequest, PgliteResponse, PgliteWorkerData } from './pglite-protocol.js';

/**
 * The embedded database's own thread: PGlite runs Postgres compiled to WebAssembly synchronously,
 * so on the request thread every statement's execution (and its WAL writes) would hold up every
 * stream. Here it answers the messages of pglite-thread.ts one after another, in the order sent.
 */
const { dataDir, sharedBuffersMb, seedDir } = workerData as PgliteWorkerData;
const port = parentPort!;
const identity = (value: string) => value;

/**
 * PGlite merges a query's own parsers into its whole type table for every query (hundreds of
 * entries). Drizzle passes the same few with every query, so the merged table is made once per set
 * and installed for the query instead.
 */
class ParserTables {
  readonly #defaults: PGlite['parsers'];
  readonly #tables = new Map<string, PGlite['parsers']>();

  constructor(private readonly client: PGlite) {
    this.#defaults = client.parsers;
  }

  async run<T>(rawTypes: number[], query: () => Promise<T>): Promise<T> {
    if (rawTypes.length === 0) return query();
    const key = rawTypes.join(',');
    let table = this.#tables.get(key);
    if (!table) {
      table = { ...this.#defaults, ...Object.fromEntries(rawTypes.map((oid) => [oid, identity])) };
      this.#tables.set(key, table);
    }
    this.client.parsers = table;
    try {
      return await query();
    } finally {
      this.client.parsers = this.#defaults;
    }
  }
}

/**
 * A new database starts as a copy of the build's seed: initdb in WebAssembly is slow, a copy takes a
 * fraction of its time, and the seed is already migrated (the migrator then finds nothing, or only what
 * is newer than the seed, to do). The copy is made beside the folder and renamed into place, so a
 * crash mid-copy never leaves a half database behind; without a seed, PGlite runs initdb.
 */
function seedNewDatabase(): void {
  if (!seedDir || !existsSync(path.join(seedDir, 'PG_VERSION'))) return;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return;
  const partial = `${dataDir}.seeding`;
  rmSync(partial, { recursive: true, force: true });
  // A copy-on-write clone where the file system has them, a plain copy elsewhere.
  cpSync(seedDir, partial, { recursive: true, mode: constants.COPYFILE_FICLONE });
  rmSync(dataDir, { recursive: true, force: true });
  renameSync(partial, dataDir);
}

try {
  seedNewDatabase();
  const client = await PGlite.create({ dataDir, extensions: { vector }, postgresqlconf: [`shared_buffers=${sharedBuffersMb}MB`] });
  const parserTables = new ParserTables(client);
  const prepared = new PreparedStatements(client);
  // PGlite runs one statement at a time anyway; answering in order keeps each query's parser table its own.
  let previous = Promise.resolve();
  port.on('message', (request: PgliteRequest) => {
    previous = previous.then(() => answer(client, parserTables, prepared, request));
  });
  port.postMessage({ id: 0, ok: true, result: undefined } satisfies PgliteResponse);
} catch (err) {
  port.postMessage({ id: 0, ok: false, error: errorFields(err) } satisfies PgliteResponse);
}

/** Whether a transaction holds the session (pglite-thread.ts sends its BEGIN, COMMIT and ROLLBACK as exec). */
let inTransaction = false;

async function answer(client: PGlite, parserTables: ParserTables, prepared: PreparedStatements, request: PgliteRequest): Promise<void> {
  let response: PgliteResponse;
  try {
    if (request.op === 'query') {
      // The caller's parsers run on its side: these types come back as Postgres wrote them.
      const { sql, params, rowMode } = request;
      const result = await parserTables.run(request.rawTypes, () => prepared.query(sql, params, rowMode, inTransaction));
      response = { id: request.id, ok: true, result };
    } else if (request.op === 'exec') {
      const command = request.sql.trim().toUpperCase();
      if (command === 'BEGIN') inTransaction = true;
      else if (command === 'COMMIT' || command === 'ROLLBACK') inTransaction = false;
      response = { id: request.id, ok: true, result: await client.exec(request.sql) };
    } else {
      await client.close();
      response = { id: request.id, ok: true, result: undefined };
    }
  } catch (err) {
    response = { id: request.id, ok: false, error: errorFields(err) };
  }
  port.postMessage(response);
  if (request.op === 'close') port.close();
}

/** A Postgres error's fields (code, detail, constraint, ...) survive the trip between threads; its class does not. */
function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const fields: Record<string, unknown> = { message: err.message, name: err.name };
  for (const [key, value] of Object.entries(err)) {
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return fields;
}
