import type { AccountHandler } from '../handler/console/account-handler.js';
import type { AiHandler } from '../handler/console/ai-handler.js';
import type { AnalyticsHandler } from '../handler/console/analytics-handler.js';
import type { ApiKeyHandler } from '../handler/console/api-key-handler.js';
import type { ApiToolHandler } from '../handler/console/api-tool-handler.js';
import type { AppConfigHandler } from '../handler/console/app-config-handler.js';
import type { AppDslHandler } from '../handler/console/app-dsl-handler.js';
import type { AppHandler } from '../handler/console/app-handler.js';
import type { AppMcpHandler } from '../handler/console/app-mcp-handler.js';
import type { AuthHandler } from '../handler/console/auth-handler.js';
import type { BuiltinToolHandler } from '../handler/console/builtin-tool-handler.js';
import type { ChatHandler } from '../handler/console/chat-handler.js';
import type { ConversationHandler } from '../handler/console/conversation-handler.js';
import type { DatasetHandler } from '../handler/console/dataset-handler.js';
import type { DocumentHandler } from '../handler/console/document-handler.js';
import type { LlmModelHandler } from '../handler/console/llm-model-handler.js';
import type { McpServerHandler } from '../handler/console/mcp-server-handler.js';
import type { OAuthHandler } from '../handler/console/oauth-handler.js';
import type { PingHandler } from '../handler/console/ping-handler.js';
import type { UploadFileHandler } from '../handler/console/upload-file-handler.js';
import type { WebAppLinkHandler } from '../handler/console/web-app-link-handler.js';
import type { WorkflowHandler } from '../handler/console/workflow-handler.js';
import type { WorkflowToolHandler } from '../handler/console/workflow-tool-handler.js';
import type { WorkspaceHandler } from '../handler/console/workspace-handler.js';
import type { McpHandler } from '../handler/mcp/mcp-handler.js';
import type { OpenAiHandler } from '../handler/service-api/openai-handler.js';
import type { ServiceApiHandler } from '../handler/service-api/service-api-handler.js';
import type { ServiceWorkflowHandler } from '../handler/service-api/workflow-handler.js';
import type { WebAppHandler } from '../handler/web-app/web-app-handler.js';
import type { HttpServer } from '../server/http.js';
import { registerAnalyticsRoutes } from './console/analytics-routes.js';
import { registerApiKeyRoutes } from './console/api-key-routes.js';
import { registerApiToolRoutes } from './console/api-tool-routes.js';
import { registerAppDslRoutes } from './console/app-dsl-routes.js';
import { registerAppMcpRoutes } from './console/app-mcp-routes.js';
import { registerAppRoutes } from './console/app-routes.js';
import { registerAuthRoutes } from './console/auth-routes.js';
import { registerBuiltinToolRoutes } from './console/builtin-tool-routes.js';
import { registerConversationRoutes } from './console/conversation-routes.js';
import { registerDatasetRoutes } from './console/dataset-routes.js';
import { registerLlmModelRoutes } from './console/llm-model-routes.js';
import { registerMcpServerRoutes } from './console/mcp-server-routes.js';
import { registerOAuthRoutes } from './console/oauth-routes.js';
import { registerUploadFileRoutes } from './console/upload-file-routes.js';
import { registerWebAppLinkRoutes } from './console/web-app-link-routes.js';
import { registerWorkflowRoutes } from './console/workflow-routes.js';
import { registerWorkflowToolRoutes } from './console/workflow-tool-routes.js';
import { registerWorkspaceRoutes } from './console/workspace-routes.js';
import { registerMcpRoutes } from './mcp/mcp-routes.js';
import { registerOpenAiRoutes } from './service-api/openai-routes.js';
import { registerServiceApiRoutes } from './service-api/service-api-routes.js';
import { registerServiceWorkflowRoutes } from './service-api/workflow-routes.js';
import { registerWebAppRoutes } from './web-app/web-app-routes.js';

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
  analytics: AnalyticsHandler;
  workspace: WorkspaceHandler;
  oauth: OAuthHandler;
  builtinTool: BuiltinToolHandler;
  apiTool: ApiToolHandler;
  mcpServer: McpServerHandler;
  appMcp: AppMcpHandler;
  appDsl: AppDslHandler;
  workflow: WorkflowHandler;
  workflowTool: WorkflowToolHandler;
  webAppLink: WebAppLinkHandler;
  serviceApi: ServiceApiHandler;
  serviceWorkflow: ServiceWorkflowHandler;
  openAi: OpenAiHandler;
  webApp: WebAppHandler;
  mcp: McpHandler;
}

/**
 * Every route, by API surface: each resource's routes live in their own file under the surface's
 * folder (method, path, schemas, handler); this is the list of them. `/docs` shows them all.
 */
export function registerRoutes(server: HttpServer, h: Handlers): void {
  // The console API (a member's JWT).
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
  registerApiKeyRoutes(server, h);
  registerAnalyticsRoutes(server, h);
  registerWebAppLinkRoutes(server, h);
  registerAppMcpRoutes(server, h);

  // Dify's service API and the OpenAI endpoint (an app key).
  registerServiceWorkflowRoutes(server, h);
  registerServiceApiRoutes(server, h);
  registerOpenAiRoutes(server, h);

  // The public web app (its link's token and a visitor cookie).
  registerWebAppRoutes(server, h);

  // An app as an MCP server (the token in its link).
  registerMcpRoutes(server, h);

  server.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => server.swagger());
}
