import type { Config } from '../../config/config.js';
import { Sandbox } from '../../internal/core/sandbox/sandbox.js';
import { createChangeFeed } from '../../internal/extension/create-change-feed.js';
import { createRateLimiter } from '../../internal/extension/create-rate-limiter.js';
import { createStopSignal } from '../../internal/extension/create-stop-signal.js';
import type { ChangeFeed } from '../../internal/extension/change-feed.js';
import { openDatabase, type Database } from '../../internal/extension/database.js';
import type { FileStorage } from '../../internal/extension/file-storage.js';
import type { Logger } from '../../internal/extension/logger.js';
import { createMailer, type Mailer } from '../../internal/extension/mailer.js';
import { createQueue } from '../../internal/extension/queue/create-queue.js';
import type { Queue } from '../../internal/extension/queue/queue.js';
import type { RateLimiter } from '../../internal/extension/rate-limiter.js';
import type { StopSignal } from '../../internal/extension/stop-signal.js';
import { VectorStore } from '../../internal/extension/vector-store.js';
import { createSafeFetch, type SafeFetch } from '../../internal/lib/ssrf-fetch.js';
import { createGuardedFetch, type GuardedFetch } from '../../internal/lib/ssrf-stream-fetch.js';
import { createFileStorage, createOAuthProviders } from '../http/optional-modules.js';

/** Everything outside the process's own logic: storage, queues, signals, outbound access, sandboxes. */
export interface Extensions {
  database: Database;
  queue: Queue;
  /** Stops of streaming answers and runs, seen by every node. */
  stopSignal: StopSignal;
  /** Invalidations of cached rows, seen by every node. */
  changes: ChangeFeed;
  rateLimiter: RateLimiter;
  files: FileStorage;
  vectors: VectorStore;
  /** Server-side fetches of user-given URLs, through the SSRF guard, with size and time caps. */
  outboundFetch: SafeFetch;
  /** The same guard for streaming clients (MCP servers), capped in size only. */
  guardedFetch: GuardedFetch;
  sandbox: Sandbox;
  mailer: Mailer;
  oauthProviders: Awaited<ReturnType<typeof createOAuthProviders>>;
}

/** Opens each extension once, in the order they depend on each other (the database first). */
export async function openExtensions(config: Config, logger: Logger): Promise<Extensions> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    storageDir: config.storageDir,
    poolSize: config.databasePoolSize,
    sharedBuffersMb: config.embeddedDbSharedBuffersMb,
    logger,
    migrate: true,
  });
  const queue = await createQueue({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger });
  const stopSignal = await createStopSignal({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger });
  const changes = await createChangeFeed({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger });
  const rateLimiter = await createRateLimiter({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger });
  const files = await createFileStorage(config);
  const vectors = new VectorStore(database.db, database.vectorAvailable);
  await vectors.init();
  const allowHosts = config.ssrfAllowHosts.split(',');
  return {
    database,
    queue,
    stopSignal,
    changes,
    rateLimiter,
    files,
    vectors,
    outboundFetch: createSafeFetch({ allowHosts, timeoutMs: config.outboundTimeoutMs, maxBytes: config.outboundMaxBytes }),
    guardedFetch: createGuardedFetch({ allowHosts, maxBytes: config.outboundMaxBytes }),
    sandbox: new Sandbox({ timeoutMs: config.codeTimeoutMs, memoryMb: config.codeMemoryMb, poolSize: config.codeSandboxProcesses }),
    mailer: createMailer(config),
    oauthProviders: await createOAuthProviders(config),
  };
}

/** What the shutdown closes after the queue, in order, each with its own bound. */
export function extensionClosers(ext: Extensions): Array<{ name: string; close: () => Promise<void> }> {
  return [
    { name: 'stop signal', close: () => ext.stopSignal.close() },
    { name: 'code sandbox', close: () => ext.sandbox.close() },
    { name: 'change feed', close: () => ext.changes.close() },
    { name: 'rate limiter', close: () => ext.rateLimiter.close() },
    { name: 'database', close: () => ext.database.close() },
  ];
}
