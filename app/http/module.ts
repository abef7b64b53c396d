import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/config.js';
import { openDatabase, type Database } from '../../internal/extension/database.js';
import { LocalFileStorage, type FileStorage } from '../../internal/extension/file-storage.js';
import { createLogger, type Logger } from '../../internal/extension/logger.js';
import { createQueue } from '../../internal/extension/queue/create-queue.js';
import type { Queue } from '../../internal/extension/queue/queue.js';
import { AccountHandler } from '../../internal/handler/account-handler.js';
import { AppHandler } from '../../internal/handler/app-handler.js';
import { AuthHandler } from '../../internal/handler/auth-handler.js';
import { LlmModelHandler } from '../../internal/handler/llm-model-handler.js';
import { AppConfigHandler } from '../../internal/handler/app-config-handler.js';
import { AppConfigService } from '../../internal/service/app-config-service.js';
import { ModelCatalog } from '../../internal/core/llm/model-catalog.js';
import { LlmModelService } from '../../internal/service/llm-model-service.js';
import { PingHandler } from '../../internal/handler/ping-handler.js';
import { accountAuthHook } from '../../internal/middleware/auth.js';
import { registerRoutes } from '../../internal/router/router.js';
import { registerSchedules } from '../../internal/schedule/schedule.js';
import { createHttpServer, type HttpServer } from '../../internal/server/http.js';
import { AccountService } from '../../internal/service/account-service.js';
import { AppService } from '../../internal/service/app-service.js';
import { AuthService } from '../../internal/service/auth-service.js';
import { HealthService } from '../../internal/service/health-service.js';
import { TokenService } from '../../internal/service/token-service.js';
import { defineTasks } from '../../internal/task/tasks.js';
import { VERSION } from './version.js';

/** Extensions and services shared by the API and worker processes. */
export interface Core {
  config: Config;
  logger: Logger;
  database: Database;
  queue: Queue;
  files: FileStorage;
  services: {
    tokens: TokenService;
    auth: AuthService;
    account: AccountService;
    app: AppService;
    health: HealthService;
    llmModel: LlmModelService;
    appConfig: AppConfigService;
  };
  close(): Promise<void>;
}

export interface Module extends Core {
  server: HttpServer;
}

/** Opens extensions and builds every service once; the only place objects are constructed. */
export async function createCore(config: Config, logger = createLogger(config.logLevel)): Promise<Core> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    storageDir: config.storageDir,
    poolSize: config.databasePoolSize,
    sharedBuffersMb: config.embeddedDbSharedBuffersMb,
    logger,
    migrate: true,
  });
  const queue = createQueue({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger });
  const filesDir = path.join(config.storageDir, 'files');
  mkdirSync(filesDir, { recursive: true });
  const files = new LocalFileStorage(filesDir);

  const tokens = new TokenService(config.secretKey, config.accessTokenTtlSeconds);
  const app = new AppService(database.db);
  const llmModel = new LlmModelService(database.db, ModelCatalog.load(), config);
  const services = {
    tokens,
    auth: new AuthService(database.db, tokens, config),
    account: new AccountService(database.db, tokens),
    app,
    health: new HealthService(database),
    llmModel,
    appConfig: new AppConfigService(database.db, app, llmModel),
  };
  defineTasks(queue, { authService: services.auth, logger });

  return {
    config,
    logger,
    database,
    queue,
    files,
    services,
    async close() {
      await queue.close();
      await database.close();
    },
  };
}

/** Starts consuming jobs and registers periodic ones (API process in embedded mode, or a worker). */
export async function startWorker(core: Core): Promise<void> {
  await registerSchedules(core.queue, core.config);
  await core.queue.start();
}

export async function createModule(config: Config, logger?: Logger): Promise<Module> {
  const core = await createCore(config, logger);
  try {
    const server = await createHttpServer({
      logger: core.logger,
      corsOrigins: config.corsOrigins,
      bodyLimitBytes: config.bodyLimitBytes,
      version: VERSION,
    });
    server.addHook('onRequest', accountAuthHook(core.services.auth));
    registerRoutes(server, {
      ping: new PingHandler(core.services.health),
      auth: new AuthHandler(core.services.auth),
      account: new AccountHandler(core.services.account),
      app: new AppHandler(core.services.app),
      llmModel: new LlmModelHandler(core.services.llmModel),
      appConfig: new AppConfigHandler(core.services.appConfig),
    });
    await server.ready();
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
