/** Messages between the request thread (pglite-thread.ts) and the embedded database's thread (pglite-worker.ts). */
export interface PgliteWorkerData {
  dataDir: string;
  sharedBuffersMb: number;
  /** A migrated data folder (dist/pglite-seed, made by the build) to copy when dataDir holds no database yet. */
  seedDir?: string;
}

export type PgliteRequest =
  | { id: number; op: 'query'; sql: string; params: unknown[]; rowMode: 'array' | 'object'; rawTypes: number[] }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'close' };

/** Id 0 answers the start: ready, or why the database could not open. */
export type PgliteResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: Record<string, unknown> };
