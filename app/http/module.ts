import type { Config } from '../../config/config.js';
import { ModelCatalog } from '../../internal/core/llm/model-catalog.js';
import { openDatabase, type Database } from '../../internal/extension/database.js';
import { createLogger, type Logger } from '../../internal/extension/logger.js';
import { createQueue } from '../../internal/extension/queue/create-queue.js';
import type { Queue } from '../../internal/extension/queue/queue.js';
import { createStopSignal } from '../../internal/extension/create-stop-signal.js';
import { createChangeFeed } from '../../internal/extension/create-change-feed.js';
import type { StopSignal } from '../../internal/extension/stop-signal.js';
import { VectorStore } from '../../internal/extension/vector-store.js';
import { createRateLimiter } from '../../internal/extension/create-rate-limiter.js';
import type { RateLimiter } from '../../internal/extension/rate-limiter.js';
import { AccountHandler } from '../../internal/handler/account-handler.js';
import { ApiKeyHandler } from '../../internal/handler/api-key-handler.js';
import { ServiceApiHandler } from '../../internal/handler/service-api-handler.js';
import { OpenAiHandler } from '../../internal/handler/openai-handler.js';
import { appKeyAuthHook } from '../../internal/middleware/app-key-auth.js';
import { AiHandler } from '../../internal/handler/ai-handler.js';
import { AnalyticsHandler } from '../../internal/handler/analytics-handler.js';
import { AppConfigHandler } from '../../internal/handler/app-config-handler.js';
import { AppHandler } from '../../internal/handler/app-handler.js';
import { AuthHandler } from '../../internal/handler/auth-handler.js';
import { DatasetHandler } from '../../internal/handler/dataset-handler.js';
import { DocumentHandler } from '../../internal/handler/document-handler.js';
import { ChatHandler } from '../../internal/handler/chat-handler.js';
import { ConversationHandler } from '../../internal/handler/conversation-handler.js';
import { ApiToolHandler } from '../../internal/handler/api-tool-handler.js';
import { McpServerHandler } from '../../internal/handler/mcp-server-handler.js';
import { BuiltinToolHandler } from '../../internal/handler/builtin-tool-handler.js';
import { LlmModelHandler } from '../../internal/handler/llm-model-handler.js';
import { PingHandler } from '../../internal/handler/ping-handler.js';
import { WorkspaceHandler } from '../../internal/handler/workspace-handler.js';
import { OAuthHandler } from '../../internal/handler/oauth-handler.js';
import { WebAppHandler } from '../../internal/handler/web-app-handler.js';
import { AppMcpHandler } from '../../internal/handler/app-mcp-handler.js';
import { AppDslHandler } from '../../internal/handler/app-dsl-handler.js';
import { UploadFileHandler } from '../../internal/handler/upload-file-handler.js';
import { accountAuthHook } from '../../internal/middleware/auth.js';
import { registerRoutes } from '../../internal/router/router.js';
import { registerSchedules } from '../../internal/schedule/schedule.js';
import { createHttpServer, type HttpServer } from '../../internal/server/http.js';
import { consoleDirectory } from '../../internal/server/console.js';
import { AccountService } from '../../internal/service/account-service.js';
import { ApiKeyService } from '../../internal/service/api-key-service.js';
import { ServiceApiService } from '../../internal/service/service-api-service.js';
import { AiHelperService } from '../../internal/service/ai-helper-service.js';
import { AnalyticsRollupService } from '../../internal/service/analytics-rollup-service.js';
import { AnalyticsService } from '../../internal/service/analytics-service.js';
import { MessageFileService } from '../../internal/service/message-file-service.js';
import { AppConfigService } from '../../internal/service/app-config-service.js';
import { AppService } from '../../internal/service/app-service.js';
import { AuthService } from '../../internal/service/auth-service.js';
import { ChatService } from '../../internal/service/chat-service.js';
import { ConversationMemory } from '../../internal/service/conversation-memory.js';
import { ConversationService } from '../../internal/service/conversation-service.js';
import { DatasetService } from '../../internal/service/dataset-service.js';
import { DocumentService } from '../../internal/service/document-service.js';
import { EmbeddingService } from '../../internal/service/embedding-service.js';
import { HealthService } from '../../internal/service/health-service.js';
import { IndexingService } from '../../internal/service/indexing-service.js';
import { LlmModelService } from '../../internal/service/llm-model-service.js';
import { RetrievalService } from '../../internal/service/retrieval-service.js';
import { SegmentService } from '../../internal/service/segment-service.js';
import { TokenService } from '../../internal/service/token-service.js';
import { WebAppService } from '../../internal/service/web-app-service.js';
import { BuiltinToolCredentials } from '../../internal/service/builtin-tool-credentials.js';
import { AppMcpService } from '../../internal/service/app-mcp-service.js';
import { AppDslService } from '../../internal/service/app-dsl-service.js';
import { UploadFileService } from '../../internal/service/upload-file-service.js';
import { MemberService } from '../../internal/service/member-service.js';
import { WorkspaceService } from '../../internal/service/workspace-service.js';
import { OAuthService } from '../../internal/service/oauth-service.js';
import { createSafeFetch } from '../../internal/lib/ssrf-fetch.js';
import { Sandbox } from '../../internal/core/sandbox/sandbox.js';
import { WorkflowService } from '../../internal/service/workflow-service.js';
import { WorkflowRunService } from '../../internal/service/workflow-run-service.js';
import { WorkflowFiles } from '../../internal/service/workflow-files.js';
import { UploadKind } from '../../internal/entity/upload-file-entity.js';
import { ChatflowService } from '../../internal/service/chatflow-service.js';
import { WorkflowHandler } from '../../internal/handler/workflow-handler.js';
import { ServiceWorkflowHandler } from '../../internal/handler/service-workflow-handler.js';
import { createGuardedFetch } from '../../internal/lib/ssrf-stream-fetch.js';
import { ApiToolService } from '../../internal/service/api-tool-service.js';
import { McpServerService } from '../../internal/service/mcp-server-service.js';
import { WorkflowToolService } from '../../internal/service/workflow-tool-service.js';
import { WorkflowToolHandler } from '../../internal/handler/workflow-tool-handler.js';
import { BuiltinToolService } from '../../internal/service/builtin-tool-service.js';
import { createMailer } from '../../internal/extension/mailer.js';
import { defineTasks } from '../../internal/task/tasks.js';
import { VERSION } from './version.js';
import { createFileStorage, createOAuthProviders } from './optional-modules.js';
import type { FileStorage } from '../../internal/extension/file-storage.js';

export interface Services {
  tokens: TokenService;
  auth: AuthService;
  account: AccountService;
  app: AppService;
  health: HealthService;
  llmModel: LlmModelService;
  appConfig: AppConfigService;
  conversation: ConversationService;
  chat: ChatService;
  aiHelper: AiHelperService;
  uploadFile: UploadFileService;
  dataset: DatasetService;
  document: DocumentService;
  segment: SegmentService;
  indexing: IndexingService;
  retrieval: RetrievalService;
  apiKey: ApiKeyService;
  serviceApi: ServiceApiService;
  analytics: AnalyticsService;
  analyticsRollup: AnalyticsRollupService;
  messageFiles: MessageFileService;
  webApp: WebAppService;
  appMcp: AppMcpService;
  appDsl: AppDslService;
  workspace: WorkspaceService;
  member: MemberService;
  oauth: OAuthService;
  builtinTools: BuiltinToolService;
  apiTools: ApiToolService;
  mcpServers: McpServerService;
  workflowTools: WorkflowToolService;
  workflow: WorkflowService;
  workflowRun: WorkflowRunService;
  chatflow: ChatflowService;
}

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
  const queue = await createQueue({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger });
  const stopSignal = await createStopSignal({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger });
  const changes = await createChangeFeed({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger });
  const rateLimiter = await createRateLimiter({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger });
  const files = await createFileStorage(config);

  const { db } = database;
  const tokens = new TokenService(config.secretKey, config.accessTokenTtlSeconds);
  const app = new AppService(db, changes);
  const llmModel = new LlmModelService(db, ModelCatalog.load(), config, changes);
  // Exact only where this process sees every write: one node, no Redis between several.
  const conversation = new ConversationService(db, app, new ConversationMemory(changes, !config.redisUrl));
  const vectors = new VectorStore(db, database.vectorAvailable);
  await vectors.init();
  const uploadFile = new UploadFileService(db, files);
  const embeddings = new EmbeddingService(llmModel, {
    interactive: { retries: config.llmMaxRetries, baseDelayMs: config.llmRetryBaseMs },
    background: { retries: config.embeddingIndexRetries, baseDelayMs: config.llmRetryBaseMs * 2 },
  });
  const dataset = new DatasetService(db, vectors, llmModel, app);
  const document = new DocumentService(db, dataset, uploadFile, queue, logger);
  const retrieval = new RetrievalService(db, embeddings, vectors);
  const aiHelper = new AiHelperService(db, conversation, llmModel, config);
  const outboundFetch = createSafeFetch({
    allowHosts: config.ssrfAllowHosts.split(','),
    timeoutMs: config.outboundTimeoutMs,
    maxBytes: config.outboundMaxBytes,
  });
  const builtinCredentials = new BuiltinToolCredentials(db, config.secretKey, (workspaceId, provider) =>
    llmModel.providerKeys(workspaceId, provider),
  );
  const builtinTools = new BuiltinToolService(outboundFetch, config, builtinCredentials, uploadFile);
  const apiTools = new ApiToolService(db, outboundFetch, config);
  const mcpServers = new McpServerService(
    db,
    createGuardedFetch({ allowHosts: config.ssrfAllowHosts.split(','), maxBytes: config.outboundMaxBytes }),
    config,
  );
  const workflow = new WorkflowService(db, app, config.secretKey);
  const workflowTools = new WorkflowToolService(db, app, workflow, config);
  const toolSources = { builtin: builtinTools, api: apiTools, mcp: mcpServers, workflow: workflowTools };
  const sandbox = new Sandbox({
    timeoutMs: config.codeTimeoutMs,
    memoryMb: config.codeMemoryMb,
    poolSize: config.codeSandboxProcesses,
  });
  const messageFiles = new MessageFileService(db, uploadFile, config);
  // Images show through the signed preview links chat messages use; documents have no link.
  const workflowFiles = new WorkflowFiles(uploadFile, outboundFetch, (u) =>
    u.kind === UploadKind.Image ? messageFiles.previewPath(u.id) : null,
  );
  const workflowRun = new WorkflowRunService(
    db,
    stopSignal,
    {
      llmModels: llmModel,
      sandbox,
      fetch: outboundFetch,
      retrieval,
      tools: toolSources,
      files: workflowFiles,
    },
    config,
  );
  workflowTools.runWith((...args) => workflowRun.runForTool(...args));
  const appConfig = new AppConfigService(db, app, llmModel, dataset, toolSources, builtinCredentials, workflow);
  const auth = new AuthService(db, tokens, config, changes);
  const chat = new ChatService(
    db,
    app,
    conversation,
    llmModel,
    queue,
    stopSignal,
    retrieval,
    appConfig,
    messageFiles,
    toolSources,
    config,
    logger,
  );
  const serviceApi = new ServiceApiService(db, aiHelper, conversation, appConfig, workflow);
  const services: Services = {
    tokens,
    auth,
    workspace: new WorkspaceService(db, changes),
    member: new MemberService(db, auth, changes, createMailer(config), logger),
    oauth: new OAuthService(db, auth, await createOAuthProviders(config), config),
    account: new AccountService(db, tokens, changes),
    app,
    health: new HealthService(database),
    llmModel,
    appConfig,
    conversation,
    chat,
    appDsl: new AppDslService(app, llmModel, dataset, toolSources, outboundFetch, workflow),
    appMcp: new AppMcpService(db, app, serviceApi, chat, rateLimiter, { perMinute: config.rateLimitApiKeyPerMinute }, changes),
    messageFiles,
    aiHelper,
    serviceApi,
    analytics: new AnalyticsService(db, app),
    analyticsRollup: new AnalyticsRollupService(db),
    webApp: new WebAppService(db, app, conversation, rateLimiter, appConfig, uploadFile, config, changes, workflow),
    uploadFile,
    dataset,
    document,
    segment: new SegmentService(db, dataset, document, embeddings, vectors),
    indexing: new IndexingService(db, uploadFile, embeddings, vectors, document, logger),
    retrieval,
    apiKey: new ApiKeyService(db, app, changes),
    builtinTools,
    apiTools,
    mcpServers,
    workflowTools,
    workflow,
    workflowRun,
    chatflow: new ChatflowService(db, workflowRun, queue, logger),
  };
  defineTasks(queue, {
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

  const closers = [
    { name: 'stop signal', close: () => stopSignal.close() },
    { name: 'code sandbox', close: () => sandbox.close() },
    { name: 'change feed', close: () => changes.close() },
    { name: 'rate limiter', close: () => rateLimiter.close() },
    { name: 'database', close: () => database.close() },
  ];
  return {
    config,
    logger,
    database,
    queue,
    stopSignal,
    rateLimiter,
    files,
    services,
    closers,
    async close() {
      await queue.close();
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
    server.addHook('onRequest', accountAuthHook(core.services.auth));
    server.addHook('onRequest', appKeyAuthHook(core.services.apiKey, core.rateLimiter, config.rateLimitApiKeyPerMinute));
    const { services } = core;
    registerRoutes(server, {
      ping: new PingHandler(services.health),
      auth: new AuthHandler(services.auth),
      account: new AccountHandler(services.account),
      app: new AppHandler(services.app, services.workflow),
      appConfig: new AppConfigHandler(services.appConfig, services.app, services.workflow),
      llmModel: new LlmModelHandler(services.llmModel),
      chat: new ChatHandler(services.chat, services.conversation, services.messageFiles, config.ssePingIntervalMs),
      conversation: new ConversationHandler(services.conversation, services.messageFiles),
      ai: new AiHandler(services.aiHelper, config.ssePingIntervalMs),
      uploadFile: new UploadFileHandler(services.uploadFile, services.messageFiles, config),
      dataset: new DatasetHandler(services.dataset, services.retrieval),
      document: new DocumentHandler(services.document, services.segment, services.dataset.access),
      apiKey: new ApiKeyHandler(services.apiKey),
      serviceApi: new ServiceApiHandler(
        services.chat,
        services.serviceApi,
        services.uploadFile,
        services.messageFiles,
        config,
        services.workflow,
        services.chatflow,
      ),
      openAi: new OpenAiHandler(services.chat, config.ssePingIntervalMs),
      analytics: new AnalyticsHandler(services.analytics),
      webApp: new WebAppHandler(
        services.webApp,
        services.chat,
        services.serviceApi,
        services.messageFiles,
        config.ssePingIntervalMs,
        Math.max(config.uploadImageMaxBytes, config.uploadFileMaxBytes),
        services.workflow,
        services.workflowRun,
        services.chatflow,
      ),
      workspace: new WorkspaceHandler(services.workspace, services.member, config.publicUrl),
      oauth: new OAuthHandler(services.oauth, config),
      builtinTool: new BuiltinToolHandler(services.builtinTools),
      apiTool: new ApiToolHandler(services.apiTools),
      mcpServer: new McpServerHandler(services.mcpServers),
      workflowTool: new WorkflowToolHandler(services.workflowTools),
      appMcp: new AppMcpHandler(services.appMcp, services.app, VERSION),
      appDsl: new AppDslHandler(services.appDsl),
      workflow: new WorkflowHandler(services.workflow, services.workflowRun, services.chatflow, config.ssePingIntervalMs),
      serviceWorkflow: new ServiceWorkflowHandler(services.workflow, services.workflowRun, config.ssePingIntervalMs),
    });
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
