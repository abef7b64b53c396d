import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Results } from '@electric-sql/pglite';
import type { PgliteRequest, PgliteResponse, PgliteWorkerData } from './pglite-protocol.js';

type Parser = (value: string, typeId?: number) => unknown;
interface QueryOptions {
  rowMode?: 'array' | 'object';
  parsers?: Record<number, Parser>;
}
/** Where the embedded database keeps its files. */
export function embeddedDataDir(storageDir: string): string {
  return path.resolve(storageDir, 'pglite');
}

/**
 * The thread's JavaScript only moves query text and rows between Postgres and the request thread,
 * so V8's default young generation grows larger than it needs: a small one keeps the thread's heap
 * near its live data, at no cost in CPU per statement.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };
/** Made by scripts/pglite-seed.mjs, at dist/pglite-seed from both the sources and dist/. */
const SEED_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../dist/pglite-seed' : '../../pglite-seed', import.meta.url));

let early: { data: PgliteWorkerData; thread: Promise<PgliteThread> } | undefined;

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = Distribute<PgliteRequest>;

/** What Drizzle's PGlite driver calls on a client: queries, and transactions holding the session. */
export interface PgliteClient {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string): Promise<Results[]>;
}

/**
 * PGlite in a worker thread (pglite-worker.ts), with the part of PGlite's interface Drizzle uses.
 * PGlite is one Postgres session, so a transaction owns it from BEGIN to COMMIT: statements sent
 * meanwhile from outside the transaction wait here, and go on in their order once it ends.
 * Outside transactions, statements are sent at once and the worker runs them back to back.
 */
export class PgliteThread implements PgliteClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  /** Operations waiting for a transaction to end: a statement, or the next transaction's start. */
  readonly #waiting: Array<() => void> = [];
  #inTransaction = false;
  #nextId = 1;
  #failure: Error | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (response: PgliteResponse) => this.#settle(response));
    worker.on('error', (err) => this.#fail(new Error(`the embedded database stopped: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => this.#fail(new Error(`the embedded database stopped (exit ${code})`)));
  }

  /**
   * Starts the database thread ahead of `start`, so Postgres boots while the process is still
   * loading the rest of its code; the next `start` for the same folder takes it over.
   */
  static prestart(data: PgliteWorkerData): void {
    const thread = PgliteThread.#boot(data);
    // Whoever takes it over sees a failure; until then it must not count as unhandled.
    thread.catch(() => undefined);
    early = { data, thread };
  }

  static start(data: PgliteWorkerData): Promise<PgliteThread> {
    const prestarted = early;
    early = undefined;
    if (prestarted?.data.dataDir === data.dataDir && prestarted.data.sharedBuffersMb === data.sharedBuffersMb) return prestarted.thread;
    if (!prestarted) return PgliteThread.#boot(data);
    // Started for another folder or setting: closed first, as two Postgres must never open one folder.
    return prestarted.thread
      .then((thread) => thread.close())
      .catch(() => undefined)
      .then(() => PgliteThread.#boot(data));
  }

  static async #boot(options: PgliteWorkerData): Promise<PgliteThread> {
    const data = { seedDir: SEED_DIR, ...options };
    mkdirSync(data.dataDir, { recursive: true });
    // Postgres compiled to WebAssembly is large and mostly cold: V8's baseline compiler alone answers
    // as fast for these queries, and skipping the optimising tier keeps its machine code out of memory.
    // Flags are the process's, so they are set before the thread compiles anything.
    setFlagsFromString('--liftoff-only');
    setFlagsFromString('--wasm-lazy-compilation');
    const worker = import.meta.url.endsWith('.ts')
      ? // Under the tests' TypeScript loader this module is .ts and so is its worker, which needs the loader too.
        new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./pglite-worker.ts', import.meta.url).href)}); })`,
          { eval: true, workerData: data, resourceLimits: WORKER_LIMITS },
        )
      : new Worker(new URL('./pglite-worker.js', import.meta.url), { workerData: data, resourceLimits: WORKER_LIMITS });
    const thread = new PgliteThread(worker);
    try {
      await new Promise((resolve, reject) => thread.#pending.set(0, { resolve, reject }));
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    return thread;
  }

  query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Results<T>> {
    return this.#whenFree(() => this.#query<T>(sql, params, options));
  }

  exec(sql: string): Promise<Results[]> {
    return this.#whenFree(() => this.#send({ op: 'exec', sql }) as Promise<Results[]>);
  }

  async transaction<T>(run: (tx: PgliteClient) => Promise<T>): Promise<T> {
    // Taking the session happens in the same turn as being let through, so nothing queued behind slips in.
    await new Promise<void>((resolve) => {
      const start = () => {
        this.#inTransaction = true;
        resolve();
      };
      if (this.#inTransaction || this.#waiting.length > 0) this.#waiting.push(start);
      else start();
    });
    let open = true;
    const tx: PgliteClient = {
      query: <R>(sql: string, params: unknown[] = [], options: QueryOptions = {}) =>
        open ? this.#query<R>(sql, params, options) : Promise.reject(new Error('the transaction has ended')),
      exec: (sql: string) =>
        open ? (this.#send({ op: 'exec', sql }) as Promise<Results[]>) : Promise.reject(new Error('the transaction has ended')),
    };
    try {
      await this.#send({ op: 'exec', sql: 'BEGIN' });
      let result: T;
      try {
        result = await run(tx);
      } catch (err) {
        await this.#send({ op: 'exec', sql: 'ROLLBACK' }).catch(() => undefined);
        throw err;
      }
      await this.#send({ op: 'exec', sql: 'COMMIT' });
      return result;
    } finally {
      open = false;
      this.#inTransaction = false;
      this.#release();
    }
  }

  async close(): Promise<void> {
    if (this.#failure) return;
    await this.#send({ op: 'close' });
    await this.#worker.terminate();
  }

  async #query<T>(sql: string, params: unknown[], options: QueryOptions): Promise<Results<T>> {
    const parsers = options.parsers ?? {};
    const rawTypes = Object.keys(parsers).map(Number);
    const rowMode = options.rowMode ?? 'object';
    const result = (await this.#send({ op: 'query', sql, params, rowMode, rawTypes })) as Results<T>;
    if (rawTypes.length > 0) applyParsers(result, parsers, rowMode);
    return result;
  }

  /** Runs `op` now, or once the transaction holding the session (and every transaction queued before) has ended. */
  #whenFree<T>(op: () => Promise<T>): Promise<T> {
    if (!this.#inTransaction && this.#waiting.length === 0) return op();
    return new Promise<T>((resolve, reject) => this.#waiting.push(() => void op().then(resolve, reject)));
  }

  /** Lets queued statements go, up to the next queued transaction, which then starts. */
  #release(): void {
    while (this.#waiting.length > 0 && !this.#inTransaction) {
      const next = this.#waiting.shift()!;
      next();
    }
  }

  #send(request: Request): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }

  #settle(response: PgliteResponse): void {
    const waiter = this.#pending.get(response.id);
    if (!waiter) return;
    this.#pending.delete(response.id);
    if (response.ok) waiter.resolve(response.result);
    else waiter.reject(Object.assign(new Error(String(response.error.message)), response.error));
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    for (const waiter of this.#pending.values()) waiter.reject(err);
    this.#pending.clear();
  }
}

/** The caller's parsers, on the columns of their types. */
function applyParsers<T>(result: Results<T>, parsers: Record<number, Parser>, rowMode: 'array' | 'object'): void {
  result.fields.forEach((field, index) => {
    const parse = parsers[field.dataTypeID];
    if (!parse) return;
    const key = rowMode === 'array' ? index : field.name;
    for (const row of result.rows as Array<Record<string | number, unknown>>) {
      const value = row[key];
      if (typeof value === 'string') row[key] = parse(value, field.dataTypeID);
    }
  });
}
