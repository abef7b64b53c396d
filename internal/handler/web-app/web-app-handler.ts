import type { FastifyReply, FastifyRequest } from 'fastify';
import { success, successMessage } from '../../../pkg/response/response.js';
import { InvokeFrom } from '../../entity/conversation-entity.js';
import {
  webAppConversationView,
  webAppView,
  type webAppChatBody,
  type webAppConversationsQuery,
  type webAppMessagesQuery,
  type webAppParams,
  type webAppRunBody,
  type webAppTaskParams,
} from '../../schema/web-app-schema.js';
import { messageView } from '../../schema/service-api-schema.js';
import { uploadFileView } from '../../schema/upload-file-schema.js';
import type { ChatService } from '../../service/chat/chat-service.js';
import type { MessageFileService } from '../../service/files/message-file-service.js';
import type { PublishedAppService } from '../../service/apps/published-app-service.js';
import type { WebAppService } from '../../service/apps/web-app-service.js';
import type { WorkflowService } from '../../service/workflow/workflow-service.js';
import type { WorkflowRunService } from '../../service/workflow/workflow-run-service.js';
import type { ChatflowService } from '../../service/chat/chatflow-service.js';
import { WorkflowTrigger } from '../../entity/workflow-entity.js';
import { NotFoundError, DifyApiError } from '../../exception/app-error.js';
import { messageFileLinks } from '../file-links.js';
import { receiveFile } from '../multipart-file.js';
import type { Validated } from '../request-types.js';
import { disconnectSignal, streamEvents } from '../sse-response.js';

const COOKIE = 'llmops_visitor';
const YEAR_SECONDS = 365 * 24 * 3600;

/** What WebAppHandler is built from (named, so the composition root reads as a list). */
export interface WebAppHandlerDeps {
  webApps: WebAppService;
  chat: ChatService;
  publishedApp: PublishedAppService;
  messageFiles: MessageFileService;
  ssePingIntervalMs: number;
  /** The larger of the image and document limits; the service holds each kind to its own. */
  uploadMaxBytes: number;
  workflows: WorkflowService;
  runs: WorkflowRunService;
  chatflow: ChatflowService;
}

/** The public web app: anyone with the link, each visitor known by a signed cookie. */
export class WebAppHandler {
  private readonly webApps: WebAppService;
  private readonly chat: ChatService;
  private readonly publishedApp: PublishedAppService;
  private readonly messageFiles: MessageFileService;
  private readonly ssePingIntervalMs: number;
  private readonly uploadMaxBytes: number;
  private readonly workflows: WorkflowService;
  private readonly runs: WorkflowRunService;
  private readonly chatflow: ChatflowService;

  constructor(deps: WebAppHandlerDeps) {
    this.webApps = deps.webApps;
    this.chat = deps.chat;
    this.publishedApp = deps.publishedApp;
    this.messageFiles = deps.messageFiles;
    this.ssePingIntervalMs = deps.ssePingIntervalMs;
    this.uploadMaxBytes = deps.uploadMaxBytes;
    this.workflows = deps.workflows;
    this.runs = deps.runs;
    this.chatflow = deps.chatflow;
  }

  get = async (req: Validated<{ params: typeof webAppParams }>) => {
    const app = await this.webApps.appByToken(req.params.token);
    return success(webAppView(app, await this.publishedApp.parameters(app)));
  };

  chatMessage = async (req: Validated<{ params: typeof webAppParams; body: typeof webAppChatBody }>, reply: FastifyReply) => {
    const app = await this.webApps.appByToken(req.params.token);
    const visitor = this.visitor(req, reply);
    await this.webApps.checkRate(req.params.token, visitor);
    const input = {
      query: req.body.query,
      user: visitor,
      inputs: req.body.inputs,
      files: req.body.files,
      conversationId: req.body.conversation_id,
      autoGenerateName: true,
    };
    if (app.mode === 'advanced-chat') {
      const turn = await this.chatflow.start({
        app,
        workflow: await this.publishedGraph(app),
        query: input.query,
        inputs: input.inputs,
        conversationId: input.conversationId,
        endUser: visitor,
        accountId: null,
        invokeFrom: InvokeFrom.WebApp,
        trigger: WorkflowTrigger.AppRun,
        files: input.files,
        uploader: { appId: app.id, endUser: visitor },
      });
      await streamEvents(req, reply, turn.events, this.ssePingIntervalMs);
      return;
    }
    const run = await this.chat.serviceChat(app, input, disconnectSignal(reply), InvokeFrom.WebApp);
    await streamEvents(req, reply, run.events, this.ssePingIntervalMs);
  };

  /** A workflow app's run, as this browser's visitor; Dify's workflow events. */
  runWorkflow = async (req: Validated<{ params: typeof webAppParams; body: typeof webAppRunBody }>, reply: FastifyReply) => {
    const app = await this.webApps.appByToken(req.params.token);
    if (app.mode !== 'workflow') throw new DifyApiError(400, 'not_workflow_app', 'this app chats: use /chat');
    const visitor = this.visitor(req, reply);
    await this.webApps.checkRate(req.params.token, visitor);
    const run = await this.runs.start({
      app,
      workflow: await this.publishedGraph(app),
      inputs: req.body.inputs,
      endUser: visitor,
      accountId: null,
      invokeFrom: InvokeFrom.WebApp,
      trigger: WorkflowTrigger.AppRun,
      files: req.body.files,
      uploader: { appId: app.id, endUser: visitor },
    });
    await streamEvents(req, reply, run.events, this.ssePingIntervalMs);
  };

  stopWorkflow = async (req: Validated<{ params: typeof webAppTaskParams }>, reply: FastifyReply) => {
    const app = await this.webApps.appByToken(req.params.token);
    await this.runs.stopForEndUser(app.id, this.visitor(req, reply), req.params.task_id);
    return successMessage('stopped');
  };

  private async publishedGraph(app: Parameters<WorkflowService['published']>[0]) {
    const workflow = await this.workflows.published(app);
    if (!workflow) throw new NotFoundError('web app not found');
    return workflow;
  }

  stop = async (req: Validated<{ params: typeof webAppTaskParams }>, reply: FastifyReply) => {
    const app = await this.webApps.appByToken(req.params.token);
    await this.chat.stopForEndUser(app.id, this.visitor(req, reply), req.params.task_id, InvokeFrom.WebApp);
    return successMessage('stopped');
  };

  conversations = async (req: Validated<{ params: typeof webAppParams; query: typeof webAppConversationsQuery }>, reply: FastifyReply) => {
    const app = await this.webApps.appByToken(req.params.token);
    const page = await this.webApps.conversations(app, this.visitor(req, reply), req.query.last_id, req.query.limit);
    return success({ list: page.list.map(webAppConversationView), has_more: page.hasMore });
  };

  messages = async (req: Validated<{ params: typeof webAppParams; query: typeof webAppMessagesQuery }>, reply: FastifyReply) => {
    const app = await this.webApps.appByToken(req.params.token);
    const { conversation_id, first_id, limit } = req.query;
    const page = await this.publishedApp.messages(app, this.visitor(req, reply), conversation_id, first_id, limit, InvokeFrom.WebApp);
    const files = await messageFileLinks(req, this.messageFiles, page.list);
    return success({ list: page.list.map((m) => messageView(m, files.get(m.id), page.thoughts.get(m.id))), has_more: page.hasMore });
  };

  /** A file for the visitor's next message or run (multipart, one part named file); counts toward the visitor's rate. */
  upload = async (req: Validated<{ params: typeof webAppParams }>, reply: FastifyReply) => {
    const app = await this.webApps.appByToken(req.params.token);
    const visitor = this.visitor(req, reply);
    await this.webApps.checkRate(req.params.token, visitor);
    const file = await this.webApps.upload(app, visitor, await receiveFile(req, this.uploadMaxBytes));
    return success(uploadFileView(file), 'file uploaded');
  };

  /** The visitor of this browser; a first visit (or a forged cookie) gets a new signed one. */
  private visitor(req: FastifyRequest, reply: FastifyReply): string {
    const raw = /(?:^|;\s*)llmops_visitor=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const visitor = this.webApps.visitor(raw ? decodeURIComponent(raw) : undefined);
    if (visitor.cookie) {
      reply.header(
        'set-cookie',
        `${COOKIE}=${encodeURIComponent(visitor.cookie)}; Path=/web-apps; Max-Age=${YEAR_SECONDS}; HttpOnly; SameSite=Lax`,
      );
    }
    return visitor.id;
  }
}
