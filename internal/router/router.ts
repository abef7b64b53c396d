import type { AccountHandler } from '../handler/account-handler.js';
import type { AiHandler } from '../handler/ai-handler.js';
import type { AnalyticsHandler } from '../handler/analytics-handler.js';
import type { ChatHandler } from '../handler/chat-handler.js';
import type { ConversationHandler } from '../handler/conversation-handler.js';
import type { AppConfigHandler } from '../handler/app-config-handler.js';
import type { ApiKeyHandler } from '../handler/api-key-handler.js';
import type { AppHandler } from '../handler/app-handler.js';
import type { DatasetHandler } from '../handler/dataset-handler.js';
import type { DocumentHandler } from '../handler/document-handler.js';
import type { AppMcpHandler } from '../handler/app-mcp-handler.js';
import type { AppDslHandler } from '../handler/app-dsl-handler.js';
import type { ApiToolHandler } from '../handler/api-tool-handler.js';
import type { AuthHandler } from '../handler/auth-handler.js';
import type { BuiltinToolHandler } from '../handler/builtin-tool-handler.js';
import type { LlmModelHandler } from '../handler/llm-model-handler.js';
import type { McpServerHandler } from '../handler/mcp-server-handler.js';
import type { PingHandler } from '../handler/ping-handler.js';
import type { WebAppHandler } from '../handler/web-app-handler.js';
import type { ServiceApiHandler } from '../handler/service-api-handler.js';
import type { OpenAiHandler } from '../handler/openai-handler.js';
import type { OAuthHandler } from '../handler/oauth-handler.js';
import type { UploadFileHandler } from '../handler/upload-file-handler.js';
import type { WorkspaceHandler } from '../handler/workspace-handler.js';
import type { WorkflowHandler } from '../handler/workflow-handler.js';
import type { ServiceWorkflowHandler } from '../handler/service-workflow-handler.js';
import type { WorkflowToolHandler } from '../handler/workflow-tool-handler.js';
import type { HttpServer } from '../server/http.js';
import { registerAppRoutes } from './app-routes.js';
import { registerAppMcpRoutes } from './app-mcp-routes.js';
import { registerAppDslRoutes } from './app-dsl-routes.js';
import { registerApiToolRoutes } from './api-tool-routes.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerBuiltinToolRoutes } from './builtin-tool-routes.js';
import { registerConversationRoutes } from './conversation-routes.js';
import { registerDatasetRoutes } from './dataset-routes.js';
import { registerLlmModelRoutes } from './llm-model-routes.js';
import { registerMcpServerRoutes } from './mcp-server-routes.js';
import { registerOAuthRoutes } from './oauth-routes.js';
import { registerServiceApiRoutes } from './service-api-routes.js';
import { registerUploadFileRoutes } from './upload-file-routes.js';
import { registerWebAppRoutes } from './web-app-routes.js';
import { registerWorkspaceRoutes } from './workspace-routes.js';
import { registerWorkflowRoutes } from './workflow-routes.js';
import { registerWorkflowToolRoutes } from './workflow-tool-routes.js';

export interface Handlers {
  ping: PingHandler;
  auth: AuthHandler;
  account: AccountHandler;
  app: AppHandler;
  appConfig: AppConfigHandler;
  llmModel: LlmModelHandler;
  chat: ChatHandler;
  conversation: ConversationHandler;
  ai: AiHandler;
  uploadFile: UploadFileHandler;
  dataset: DatasetHandler;
  document: DocumentHandler;
  apiKey: ApiKeyHandler;
  serviceApi: ServiceApiHandler;
  openAi: OpenAiHandler;
  analytics: AnalyticsHandler;
  webApp: WebAppHandler;
  workspace: WorkspaceHandler;
  oauth: OAuthHandler;
  builtinTool: BuiltinToolHandler;
  apiTool: ApiToolHandler;
  mcpServer: McpServerHandler;
  appMcp: AppMcpHandler;
  appDsl: AppDslHandler;
  workflow: WorkflowHandler;
  serviceWorkflow: ServiceWorkflowHandler;
  workflowTool: WorkflowToolHandler;
}

/**
 * The console API: each resource's routes live in its own file beside this one (method,
 * path, schemas, handler); this is the list of them. `/docs` shows them all.
 */
export function registerRoutes(server: HttpServer, h: Handlers): void {
  registerAuthRoutes(server, h);
  registerOAuthRoutes(server, h.oauth);
  registerWorkspaceRoutes(server, h.workspace);
  registerAppRoutes(server, h);
  registerAppDslRoutes(server, h);
  registerWorkflowRoutes(server, h);
  registerLlmModelRoutes(server, h);
  registerBuiltinToolRoutes(server, h);
  registerApiToolRoutes(server, h);
  registerMcpServerRoutes(server, h);
  registerWorkflowToolRoutes(server, h);
  registerConversationRoutes(server, h);
  registerUploadFileRoutes(server, h);
  registerDatasetRoutes(server, h);
  registerServiceApiRoutes(server, h);
  registerWebAppRoutes(server, h);
  registerAppMcpRoutes(server, h);

  server.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => server.swagger());
}
