import type { Config } from '../../config/config.js';
import type { Database } from '../../internal/extension/database.js';
import { createLogger, type Logger } from '../../internal/extension/logger.js';
import type { FileStorage } from '../../internal/extension/file-storage.js';
import type { Queue } from '../../internal/extension/queue/queue.js';
import type { RateLimiter } from '../../internal/extension/rate-limiter.js';
import type { StopSignal } from '../../internal/extension/stop-signal.js';
import { appKeyAuthHook } from '../../internal/middleware/app-key-auth.js';
import { accountAuthHook } from '../../internal/middleware/auth.js';
import { registerRoutes } from '../../internal/router/router.js';
import { registerSchedules } from '../../internal/schedule/schedule.js';
import { consoleDirectory } from '../../internal/server/console.js';
import { createHttpServer, type HttpServer } from '../../internal/server/http.js';
import { defineTasks } from '../../internal/task/tasks.js';
import { VERSION } from '../http/version.js';
import { extensionClosers, openExtensions } from './extensions.js';
import { buildHandlers } from './handlers.js';
import { buildServices, type Services } from './services.js';

export type { Services } from './services.js';

/** Extensions and services shared by the API and worker processes. */
export interface Core {
  config: Config;
  logger: Logger;
  database: Database;
  queue: Queue;
  stopSignal: StopSignal;
  rateLimiter: RateLimiter;
  files: FileStorage;
  services: Services;
  /** What the shutdown closes after the queue, in order, each with its own bound. */
  closers: Array<{ name: string; close: () => Promise<void> }>;
  close(): Promise<void>;
}

export interface Module extends Core {
  server: HttpServer;
}

/** Opens extensions, builds every service once and defines the queue's jobs: the only place objects are constructed. */
export async function createCore(config: Config, logger = createLogger(config.logLevel)): Promise<Core> {
  const ext = await openExtensions(config, logger);
  const services = buildServices(config, logger, ext);
  defineTasks(ext.queue, {
    authService: services.auth,
    aiHelper: services.aiHelper,
    analyticsRollup: services.analyticsRollup,
    analyticsRollupDelaySeconds: config.analyticsRollupDelaySeconds,
    chat: services.chat,
    chatInterruptedAfterSeconds: config.chatInterruptedAfterSeconds,
    workflowRun: services.workflowRun,
    workflowTimeoutSeconds: config.workflowTimeoutSeconds,
    indexing: services.indexing,
    logger,
  });
  const closers = extensionClosers(ext);
  return {
    config,
    logger,
    database: ext.database,
    queue: ext.queue,
    stopSignal: ext.stopSignal,
    rateLimiter: ext.rateLimiter,
    files: ext.files,
    services,
    closers,
    async close() {
      await ext.queue.close();
      for (const closer of closers) await closer.close();
    },
  };
}

/** Starts consuming jobs and registers periodic ones (API process in embedded mode, or a worker). */
export async function startWorker(core: Core): Promise<void> {
  await registerSchedules(core.queue, core.config);
  await core.queue.start();
  await core.services.indexing.resumeUnfinished();
}

/**
 * Answers a crashed process left running become interrupted. The embedded database has one
 * process, so all of them; on a shared server, those older than the bound (younger ones may be
 * streaming on another node, and the periodic sweep takes them later).
 */
async function interruptLeftAnswers(core: Core): Promise<void> {
  const { config, database, services, logger } = core;
  const before = database.kind === 'pglite' ? new Date() : new Date(Date.now() - config.chatInterruptedAfterSeconds * 1000);
  const count = await services.chat.interruptUnfinished(before);
  if (count > 0) logger.warn({ messages: count }, 'answers left unfinished by a stopped process marked interrupted');
  // A run may last up to its timeout on another node, so only older ones are taken for left over there.
  const runsBefore = database.kind === 'pglite' ? new Date() : new Date(Date.now() - (config.workflowTimeoutSeconds + 60) * 1000);
  const runs = await services.workflowRun.interruptUnfinished(runsBefore);
  if (runs > 0) logger.warn({ runs }, 'workflow runs left unfinished by a stopped process marked failed');
}

/** The API process: the core, the HTTP server with its auth hooks and routes, then the worker when this node runs one. */
export async function createModule(config: Config, logger = createLogger(config.logLevel)): Promise<Module> {
  // The HTTP server is built while the core waits for the database to boot: neither needs the other.
  const [coreResult, serverResult] = await Promise.allSettled([
    createCore(config, logger),
    createHttpServer({
      logger,
      corsOrigins: config.corsOrigins,
      bodyLimitBytes: config.bodyLimitBytes,
      uploadMaxBytes: Math.max(config.uploadFileMaxBytes, config.uploadImageMaxBytes),
      version: VERSION,
      consoleDir: consoleDirectory(config.consoleDir),
    }),
  ]);
  if (coreResult.status === 'rejected') {
    if (serverResult.status === 'fulfilled') await serverResult.value.close();
    throw coreResult.reason;
  }
  const core = coreResult.value;
  try {
    if (serverResult.status === 'rejected') throw serverResult.reason;
    const server = serverResult.value;
    const { services } = core;
    server.addHook('onRequest', accountAuthHook(services.auth));
    server.addHook('onRequest', appKeyAuthHook(services.apiKey, core.rateLimiter, config.rateLimitApiKeyPerMinute));
    registerRoutes(server, buildHandlers(config, services));
    await server.ready();
    await interruptLeftAnswers(core);
    await services.chat.listenForStops();
    await services.workflowRun.listenForStops();
    if (config.runWorker) await startWorker(core);
    return {
      ...core,
      server,
      async close() {
        await server.close();
        await core.close();
      },
    };
  } catch (err) {
    await core.close();
    throw err;
  }
}
