import { defaultConfig } from './default-config.js';

export interface EmbeddedDatabaseHint {
  storageDir: string;
  sharedBuffersMb: number;
}

/**
 * Where the embedded database will live, read from the environment before `loadConfig` (and the
 * validators it loads) is ready, so the database thread can boot meanwhile. It reads the same
 * variables the same way; anything it is unsure of (PostgreSQL configured, a value loadConfig may
 * refuse) answers undefined, and the database then starts the ordinary way, after the config.
 */
export function embeddedDatabaseHint(env: NodeJS.ProcessEnv = process.env): EmbeddedDatabaseHint | undefined {
  if (env.DATABASE_URL?.trim()) return undefined;
  const storageDir = env.STORAGE_DIR === undefined ? defaultConfig.storageDir : env.STORAGE_DIR.trim();
  const buffers = env.EMBEDDED_DB_SHARED_BUFFERS_MB;
  const sharedBuffersMb = buffers === undefined ? defaultConfig.embeddedDbSharedBuffersMb : Number(buffers.trim());
  if (!storageDir || !Number.isInteger(sharedBuffersMb) || sharedBuffersMb < 1 || sharedBuffersMb > 4096) return undefined;
  return { storageDir, sharedBuffersMb };
}
