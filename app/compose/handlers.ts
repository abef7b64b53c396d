import type { Config } from '../../config/config.js';
import { AccountHandler } from '../../internal/handler/console/account-handler.js';
import { AiHandler } from '../../internal/handler/console/ai-handler.js';
import { AnalyticsHandler } from '../../internal/handler/console/analytics-handler.js';
import { ApiKeyHandler } from '../../internal/handler/console/api-key-handler.js';
import { ApiToolHandler } from '../../internal/handler/console/api-tool-handler.js';
import { AppConfigHandler } from '../../internal/handler/console/app-config-handler.js';
import { AppDslHandler } from '../../internal/handler/console/app-dsl-handler.js';
import { AppHandler } from '../../internal/handler/console/app-handler.js';
import { AppMcpHandler } from '../../internal/handler/console/app-mcp-handler.js';
import { AuthHandler } from '../../internal/handler/console/auth-handler.js';
import { BuiltinToolHandler } from '../../internal/handler/console/builtin-tool-handler.js';
import { ChatHandler } from '../../internal/handler/console/chat-handler.js';
import { ConversationHandler } from '../../internal/handler/console/conversation-handler.js';
import { DatasetHandler } from '../../internal/handler/console/dataset-handler.js';
import { DocumentHandler } from '../../internal/handler/console/document-handler.js';
import { LlmModelHandler } from '../../internal/handler/console/llm-model-handler.js';
import { McpServerHandler } from '../../internal/handler/console/mcp-server-handler.js';
import { OAuthHandler } from '../../internal/handler/console/oauth-handler.js';
import { PingHandler } from '../../internal/handler/console/ping-handler.js';
import { UploadFileHandler } from '../../internal/handler/console/upload-file-handler.js';
import { WebAppLinkHandler } from '../../internal/handler/console/web-app-link-handler.js';
import { WorkflowHandler } from '../../internal/handler/console/workflow-handler.js';
import { WorkflowToolHandler } from '../../internal/handler/console/workflow-tool-handler.js';
import { WorkspaceHandler } from '../../internal/handler/console/workspace-handler.js';
import { McpHandler } from '../../internal/handler/mcp/mcp-handler.js';
import { OpenAiHandler } from '../../internal/handler/service-api/openai-handler.js';
import { ServiceApiHandler } from '../../internal/handler/service-api/service-api-handler.js';
import { ServiceWorkflowHandler } from '../../internal/handler/service-api/workflow-handler.js';
import { WebAppHandler } from '../../internal/handler/web-app/web-app-handler.js';
import type { Handlers } from '../../internal/router/router.js';
import { VERSION } from '../http/version.js';
import type { Services } from './services.js';

/** One handler per resource and API surface, each given the services it calls. */
export function buildHandlers(config: Config, s: Services): Handlers {
  const ping = config.ssePingIntervalMs;
  return {
    // The console API.
    ping: new PingHandler(s.health),
    auth: new AuthHandler(s.auth),
    account: new AccountHandler(s.account),
    workspace: new WorkspaceHandler(s.workspace, s.member, config.publicUrl),
    oauth: new OAuthHandler(s.oauth, config),
    app: new AppHandler(s.app, s.workflow),
    appConfig: new AppConfigHandler(s.appConfig, s.app, s.workflow),
    appDsl: new AppDslHandler(s.appDsl),
    appMcp: new AppMcpHandler(s.appMcp, s.app),
    apiKey: new ApiKeyHandler(s.apiKey),
    webAppLink: new WebAppLinkHandler(s.webApp),
    llmModel: new LlmModelHandler(s.llmModel),
    chat: new ChatHandler(s.chat, s.conversation, s.messageFiles, ping),
    conversation: new ConversationHandler(s.conversation, s.messageFiles),
    ai: new AiHandler(s.aiHelper, ping),
    uploadFile: new UploadFileHandler(s.uploadFile, s.messageFiles, config),
    dataset: new DatasetHandler(s.dataset, s.retrieval),
    document: new DocumentHandler(s.document, s.segment, s.dataset.access),
    analytics: new AnalyticsHandler(s.analytics),
    builtinTool: new BuiltinToolHandler(s.builtinTools),
    apiTool: new ApiToolHandler(s.apiTools),
    mcpServer: new McpServerHandler(s.mcpServers),
    workflowTool: new WorkflowToolHandler(s.workflowTools),
    workflow: new WorkflowHandler(s.workflow, s.workflowRun, s.chatflow, ping),

    // Dify's service API and the OpenAI endpoint.
    serviceApi: new ServiceApiHandler({
      chat: s.chat,
      publishedApp: s.publishedApp,
      uploads: s.uploadFile,
      messageFiles: s.messageFiles,
      limits: config,
      workflows: s.workflow,
      chatflow: s.chatflow,
    }),
    serviceWorkflow: new ServiceWorkflowHandler(s.workflow, s.workflowRun, ping),
    openAi: new OpenAiHandler(s.chat, ping),

    // The public web app.
    webApp: new WebAppHandler({
      webApps: s.webApp,
      chat: s.chat,
      publishedApp: s.publishedApp,
      messageFiles: s.messageFiles,
      ssePingIntervalMs: ping,
      uploadMaxBytes: Math.max(config.uploadImageMaxBytes, config.uploadFileMaxBytes),
      workflows: s.workflow,
      runs: s.workflowRun,
      chatflow: s.chatflow,
    }),

    // An app as an MCP server.
    mcp: new McpHandler(s.appMcp, VERSION),
  };
}
