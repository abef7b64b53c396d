import type { Config } from '../../config/config.js';
import { ModelCatalog } from '../../internal/core/llm/model-catalog.js';
import { UploadKind } from '../../internal/entity/upload-file-entity.js';
import type { Logger } from '../../internal/extension/logger.js';
import { AnalyticsRollupService } from '../../internal/service/analytics/analytics-rollup-service.js';
import { AnalyticsService } from '../../internal/service/analytics/analytics-service.js';
import { AiHelperService } from '../../internal/service/apps/ai-helper-service.js';
import { ApiKeyService } from '../../internal/service/apps/api-key-service.js';
import { AppConfigService } from '../../internal/service/apps/app-config-service.js';
import { AppDslService } from '../../internal/service/apps/app-dsl-service.js';
import { AppMcpService } from '../../internal/service/apps/app-mcp-service.js';
import { AppService } from '../../internal/service/apps/app-service.js';
import { PublishedAppService } from '../../internal/service/apps/published-app-service.js';
import { WebAppService } from '../../internal/service/apps/web-app-service.js';
import { ChatService } from '../../internal/service/chat/chat-service.js';
import { ChatflowService } from '../../internal/service/chat/chatflow-service.js';
import { ConversationMemory } from '../../internal/service/chat/conversation-memory.js';
import { ConversationService } from '../../internal/service/chat/conversation-service.js';
import { MessageFileService } from '../../internal/service/files/message-file-service.js';
import { UploadFileService } from '../../internal/service/files/upload-file-service.js';
import { AccountService } from '../../internal/service/identity/account-service.js';
import { AuthService } from '../../internal/service/identity/auth-service.js';
import { MemberService } from '../../internal/service/identity/member-service.js';
import { OAuthService } from '../../internal/service/identity/oauth-service.js';
import { TokenService } from '../../internal/service/identity/token-service.js';
import { WorkspaceService } from '../../internal/service/identity/workspace-service.js';
import { DatasetService } from '../../internal/service/knowledge/dataset-service.js';
import { DocumentService } from '../../internal/service/knowledge/document-service.js';
import { EmbeddingService } from '../../internal/service/knowledge/embedding-service.js';
import { IndexingService } from '../../internal/service/knowledge/indexing-service.js';
import { RetrievalService } from '../../internal/service/knowledge/retrieval-service.js';
import { SegmentService } from '../../internal/service/knowledge/segment-service.js';
import { LlmModelService } from '../../internal/service/models/llm-model-service.js';
import { HealthService } from '../../internal/service/system/health-service.js';
import type { ToolSources } from '../../internal/service/tools/agent-loop.js';
import { ApiToolService } from '../../internal/service/tools/api-tool-service.js';
import { BuiltinToolCredentials } from '../../internal/service/tools/builtin-tool-credentials.js';
import { BuiltinToolService } from '../../internal/service/tools/builtin-tool-service.js';
import { McpServerService } from '../../internal/service/tools/mcp-server-service.js';
import { WorkflowToolService } from '../../internal/service/tools/workflow-tool-service.js';
import { WorkflowFiles } from '../../internal/service/workflow/workflow-files.js';
import { WorkflowRunService } from '../../internal/service/workflow/workflow-run-service.js';
import { WorkflowService } from '../../internal/service/workflow/workflow-service.js';
import type { Extensions } from './extensions.js';

export interface Services {
  tokens: TokenService;
  auth: AuthService;
  account: AccountService;
  workspace: WorkspaceService;
  member: MemberService;
  oauth: OAuthService;
  health: HealthService;
  llmModel: LlmModelService;
  app: AppService;
  appConfig: AppConfigService;
  appDsl: AppDslService;
  appMcp: AppMcpService;
  apiKey: ApiKeyService;
  publishedApp: PublishedAppService;
  webApp: WebAppService;
  aiHelper: AiHelperService;
  conversation: ConversationService;
  chat: ChatService;
  chatflow: ChatflowService;
  uploadFile: UploadFileService;
  messageFiles: MessageFileService;
  dataset: DatasetService;
  document: DocumentService;
  segment: SegmentService;
  indexing: IndexingService;
  retrieval: RetrievalService;
  builtinTools: BuiltinToolService;
  apiTools: ApiToolService;
  mcpServers: McpServerService;
  workflowTools: WorkflowToolService;
  workflow: WorkflowService;
  workflowRun: WorkflowRunService;
  analytics: AnalyticsService;
  analyticsRollup: AnalyticsRollupService;
}

/**
 * Builds every service once, domain by domain, each after what it needs. The one loop (workflow
 * runs call workflow tools, which run workflows) is closed by the runner port handed to the tools.
 */
export function buildServices(config: Config, logger: Logger, ext: Extensions): Services {
  const { database, queue, stopSignal, changes, rateLimiter, files, vectors, outboundFetch } = ext;
  const { db } = database;

  // Identity: accounts, sign-in, workspaces and their members.
  const tokens = new TokenService(config.secretKey, config.accessTokenTtlSeconds);
  const auth = new AuthService(db, tokens, config, changes);

  // Models, apps and files: what every later domain reads.
  const llmModel = new LlmModelService(db, ModelCatalog.load(), config, changes);
  const app = new AppService(db, changes);
  const uploadFile = new UploadFileService(db, files);
  const messageFiles = new MessageFileService(db, uploadFile, config);
  // Exact only where this process sees every write: one node, no Redis between several.
  const conversation = new ConversationService(db, app, new ConversationMemory(changes, !config.redisUrl));

  // Knowledge.
  const embeddings = new EmbeddingService(llmModel, {
    interactive: { retries: config.llmMaxRetries, baseDelayMs: config.llmRetryBaseMs },
    background: { retries: config.embeddingIndexRetries, baseDelayMs: config.llmRetryBaseMs * 2 },
  });
  const dataset = new DatasetService(db, vectors, llmModel, app);
  const document = new DocumentService(db, dataset, uploadFile, queue, logger);
  const retrieval = new RetrievalService(db, embeddings, vectors);

  // Tools, and workflows (whose runs use tools, and which are tools themselves).
  const builtinCredentials = new BuiltinToolCredentials(db, config.secretKey, (workspaceId, provider) =>
    llmModel.providerKeys(workspaceId, provider),
  );
  const workflow = new WorkflowService(db, app, config.secretKey);
  const workflowTools = new WorkflowToolService(db, app, workflow, config, {
    runForTool: (...args) => workflowRun.runForTool(...args),
  });
  const tools: ToolSources = {
    builtin: new BuiltinToolService(outboundFetch, config, builtinCredentials, uploadFile),
    api: new ApiToolService(db, outboundFetch, config),
    mcp: new McpServerService(db, ext.guardedFetch, config),
    workflow: workflowTools,
  };
  // Images show through the signed preview links chat messages use; documents have no link.
  const workflowFiles = new WorkflowFiles(uploadFile, outboundFetch, (u) =>
    u.kind === UploadKind.Image ? messageFiles.previewPath(u.id) : null,
  );
  const workflowRun = new WorkflowRunService(
    db,
    stopSignal,
    { llmModels: llmModel, sandbox: ext.sandbox, fetch: outboundFetch, retrieval, tools, files: workflowFiles },
    config,
  );

  // Apps' configuration, and chat.
  const appConfig = new AppConfigService({
    db,
    appService: app,
    llmModels: llmModel,
    datasets: dataset,
    tools,
    builtinCredentials,
    workflows: workflow,
  });
  const aiHelper = new AiHelperService(db, conversation, llmModel, config);
  const chat = new ChatService({
    db,
    appService: app,
    conversations: conversation,
    llmModels: llmModel,
    queue,
    stopSignal,
    retrieval,
    appConfig,
    messageFiles,
    tools,
    settings: config,
    logger,
  });

  // Publishing: the service API's app operations, the web app, the MCP server, API keys.
  const publishedApp = new PublishedAppService(db, aiHelper, conversation, appConfig, workflow);
  return {
    tokens,
    auth,
    account: new AccountService(db, tokens, changes),
    workspace: new WorkspaceService(db, changes),
    member: new MemberService(db, auth, changes, ext.mailer, logger),
    oauth: new OAuthService(db, auth, ext.oauthProviders, config),
    health: new HealthService(database),
    llmModel,
    app,
    appConfig,
    appDsl: new AppDslService({ apps: app, llmModels: llmModel, datasets: dataset, tools, fetch: outboundFetch, workflows: workflow }),
    appMcp: new AppMcpService({
      db,
      appService: app,
      publishedApp,
      chat,
      limiter: rateLimiter,
      settings: { perMinute: config.rateLimitApiKeyPerMinute },
      feed: changes,
    }),
    apiKey: new ApiKeyService(db, app, changes),
    publishedApp,
    webApp: new WebAppService({
      db,
      appService: app,
      conversationService: conversation,
      limiter: rateLimiter,
      appConfig,
      uploads: uploadFile,
      settings: config,
      feed: changes,
      workflows: workflow,
    }),
    aiHelper,
    conversation,
    chat,
    chatflow: new ChatflowService(db, workflowRun, queue, logger),
    uploadFile,
    messageFiles,
    dataset,
    document,
    segment: new SegmentService(db, dataset, document, embeddings, vectors),
    indexing: new IndexingService({ db, uploads: uploadFile, embeddings, vectors, documentService: document, logger }),
    retrieval,
    builtinTools: tools.builtin,
    apiTools: tools.api,
    mcpServers: tools.mcp,
    workflowTools,
    workflow,
    workflowRun,
    analytics: new AnalyticsService(db, app),
    analyticsRollup: new AnalyticsRollupService(db),
  };
}
