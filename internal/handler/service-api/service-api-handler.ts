import type { FastifyReply, FastifyRequest } from 'fastify';
import { appMode } from '../../entity/app-config-entity.js';
import { UploadKind, uploadKindOf } from '../../entity/upload-file-entity.js';
import { AppError, appUnavailable, DifyApiError } from '../../exception/app-error.js';
import { InvokeFrom } from '../../entity/conversation-entity.js';
import { WorkflowTrigger } from '../../entity/workflow-entity.js';
import type { ChatflowEvent, ChatflowService } from '../../service/chat/chatflow-service.js';
import type { WorkflowService } from '../../service/workflow/workflow-service.js';
import { currentAppKey } from '../../middleware/app-key-auth.js';
import {
  conversationView,
  infoView,
  messageView,
  parametersView,
  type chatMessageBody,
  type conversationIdParams,
  type conversationsQuery,
  type feedbackBody,
  type messageIdParams,
  type messagesQuery,
  type renameBody,
  type taskStopParams,
  type userBody,
  type userQuery,
} from '../../schema/service-api-schema.js';
import type { ChatService } from '../../service/chat/chat-service.js';
import type { ChatEvent } from '../../service/chat/chat-types.js';
import type { PublishedAppService } from '../../service/apps/published-app-service.js';
import type { MessageFileService } from '../../service/files/message-file-service.js';
import type { UploadFileService } from '../../service/files/upload-file-service.js';
import { messageFileLinks } from '../file-links.js';
import type { Validated } from '../request-types.js';
import { disconnectSignal, streamEvents } from '../sse-response.js';

export interface ServiceApiLimits {
  ssePingIntervalMs: number;
  uploadFileMaxBytes: number;
  uploadImageMaxBytes: number;
}

/** What ServiceApiHandler is built from (named, so the composition root reads as a list). */
export interface ServiceApiHandlerDeps {
  chat: ChatService;
  publishedApp: PublishedAppService;
  uploads: UploadFileService;
  messageFiles: MessageFileService;
  limits: ServiceApiLimits;
  workflows: WorkflowService;
  chatflow: ChatflowService;
}

/** Dify's service API, on the app the key belongs to, answering with its published config. */
export class ServiceApiHandler {
  private readonly chat: ChatService;
  private readonly publishedApp: PublishedAppService;
  private readonly uploads: UploadFileService;
  private readonly messageFiles: MessageFileService;
  private readonly limits: ServiceApiLimits;
  private readonly workflows: WorkflowService;
  private readonly chatflow: ChatflowService;

  constructor(deps: ServiceApiHandlerDeps) {
    this.chat = deps.chat;
    this.publishedApp = deps.publishedApp;
    this.uploads = deps.uploads;
    this.messageFiles = deps.messageFiles;
    this.limits = deps.limits;
    this.workflows = deps.workflows;
    this.chatflow = deps.chatflow;
  }

  chatMessages = async (req: Validated<{ body: typeof chatMessageBody }>, reply: FastifyReply) => {
    const { app } = currentAppKey(req);
    const body = req.body;
    if (app.mode === 'advanced-chat') return this.chatflowMessage(req, reply);
    const input = {
      query: body.query,
      user: body.user,
      inputs: body.inputs,
      files: body.files,
      conversationId: body.conversation_id || undefined,
      autoGenerateName: body.auto_generate_name,
    };
    if (body.response_mode === 'streaming') {
      const run = await this.chat.serviceChat(app, input, disconnectSignal(reply));
      await streamEvents(req, reply, run.events, this.limits.ssePingIntervalMs);
      return;
    }
    const [run, config] = await Promise.all([this.chat.serviceChat(app, input), this.publishedApp.publishedConfig(app)]);
    return blockingAnswer(run.events, appMode(config));
  };

  /** A chatflow's message: the published graph runs once, its answer nodes' text is the reply. */
  private async chatflowMessage(req: Validated<{ body: typeof chatMessageBody }>, reply: FastifyReply) {
    const { app } = currentAppKey(req);
    const workflow = await this.workflows.published(app);
    if (!workflow) throw appUnavailable();
    const { body } = req;
    const turn = await this.chatflow.start({
      app,
      workflow,
      query: body.query,
      inputs: body.inputs,
      conversationId: body.conversation_id || undefined,
      endUser: body.user,
      accountId: null,
      invokeFrom: InvokeFrom.ServiceApi,
      trigger: WorkflowTrigger.AppRun,
      files: body.files,
      uploader: { appId: app.id, endUser: body.user },
      autoGenerateName: body.auto_generate_name,
    });
    if (body.response_mode === 'streaming') {
      await streamEvents(req, reply, turn.events, this.limits.ssePingIntervalMs);
      return;
    }
    return blockingAnswer(chatEventsOf(turn.events), 'advanced-chat');
  }

  stop = async (req: Validated<{ params: typeof taskStopParams; body: typeof userBody }>) => {
    await this.chat.stopForEndUser(currentAppKey(req).app.id, req.body.user, req.params.task_id);
    return { result: 'success' as const };
  };

  messages = async (req: Validated<{ query: typeof messagesQuery }>) => {
    const { conversation_id, user, first_id, limit } = req.query;
    const page = await this.publishedApp.messages(currentAppKey(req).app, user, conversation_id, first_id || undefined, limit);
    const files = await messageFileLinks(req, this.messageFiles, page.list);
    return { limit, has_more: page.hasMore, data: page.list.map((m) => messageView(m, files.get(m.id), page.thoughts.get(m.id))) };
  };

  feedback = async (req: Validated<{ params: typeof messageIdParams; body: typeof feedbackBody }>) => {
    await this.publishedApp.feedback(currentAppKey(req).app, req.body.user, req.params.message_id, req.body.rating, req.body.content ?? '');
    return { result: 'success' as const };
  };

  suggested = async (req: Validated<{ params: typeof messageIdParams; query: typeof userQuery }>) => {
    const data = await this.publishedApp.suggested(currentAppKey(req).app, req.query.user, req.params.message_id);
    return { result: 'success' as const, data };
  };

  conversations = async (req: Validated<{ query: typeof conversationsQuery }>) => {
    const { app } = currentAppKey(req);
    const { user, limit, sort_by } = req.query;
    const lastId = req.query.last_id || req.query.first_id || undefined;
    const [page, config] = await Promise.all([
      this.publishedApp.conversations(app, user, lastId, limit, sort_by),
      this.publishedApp.publishedConfig(app),
    ]);
    return { limit, has_more: page.hasMore, data: page.list.map((c) => conversationView(c, config.opening_statement)) };
  };

  deleteConversation = async (req: Validated<{ params: typeof conversationIdParams; body: typeof userBody }>, reply: FastifyReply) => {
    await this.publishedApp.deleteConversation(currentAppKey(req).app, req.body.user, req.params.conversation_id);
    return reply.status(204).send();
  };

  renameConversation = async (req: Validated<{ params: typeof conversationIdParams; body: typeof renameBody }>) => {
    const { app } = currentAppKey(req);
    const { name, auto_generate, user } = req.body;
    const [conversation, config] = await Promise.all([
      this.publishedApp.renameConversation(app, user, req.params.conversation_id, name ?? undefined, auto_generate ?? false),
      this.publishedApp.publishedConfig(app),
    ]);
    return conversationView(conversation, config.opening_statement);
  };

  parameters = async (req: Validated<object>) =>
    parametersView(await this.publishedApp.parameters(currentAppKey(req).app), {
      fileBytes: this.limits.uploadFileMaxBytes,
      imageBytes: this.limits.uploadImageMaxBytes,
    });

  info = async (req: Validated<object>) => {
    const { app } = currentAppKey(req);
    const [config, author] = await Promise.all([this.publishedApp.publishedConfig(app), this.publishedApp.authorName(app)]);
    return infoView(app, config, author);
  };

  /** Each of the app's tools' icon, by the name its steps carry: a built-in's icon link, an API tool's emoji. */
  meta = async (req: Validated<object>) => ({ tool_icons: await this.publishedApp.toolIcons(currentAppKey(req).app) });

  /** Dify's file upload: a multipart `file` (an image or a document) and the `user` field; answers 201. */
  uploadFile = async (req: FastifyRequest, reply: FastifyReply) => {
    const { app } = currentAppKey(req);
    if (!req.isMultipart()) throw new DifyApiError(400, 'no_file_uploaded', 'Please upload your file.');
    let user = '';
    let file: { filename: string; data: Buffer } | undefined;
    try {
      for await (const part of req.parts({
        limits: { fileSize: Math.max(this.limits.uploadFileMaxBytes, this.limits.uploadImageMaxBytes) },
      })) {
        if (part.type === 'field' && part.fieldname === 'user') user = String(part.value).trim();
        else if (part.type === 'file') {
          if (part.fieldname !== 'file' || file) throw new DifyApiError(400, 'too_many_files', 'Only one file is allowed.');
          file = { filename: part.filename, data: await part.toBuffer() };
        }
      }
    } catch (err) {
      // Errors with a status are ours or the plugin's refusals (too large, too many parts); the rest are the parser's word on a broken body.
      if (err instanceof DifyApiError || (err as { statusCode?: number }).statusCode) throw err;
      throw new DifyApiError(400, 'invalid_param', `the multipart body is malformed: ${(err as Error).message}`);
    }
    if (!file) throw new DifyApiError(400, 'no_file_uploaded', 'Please upload your file.');
    if (!user) throw new DifyApiError(400, 'invalid_param', 'user is required');
    const image = uploadKindOf(file.filename) === UploadKind.Image;
    const limit = image ? this.limits.uploadImageMaxBytes : this.limits.uploadFileMaxBytes;
    if (file.data.length > limit) throw new DifyApiError(413, 'file_too_large', `File size exceeded. ${file.data.length} > ${limit}`);
    let stored;
    try {
      stored = await this.uploads.upload(app.workspaceId, {
        kind: image ? UploadKind.Image : UploadKind.Document,
        filename: file.filename,
        data: file.data,
        uploader: { appId: app.id, endUser: user },
      });
    } catch (err) {
      if (err instanceof AppError && err.status === 400) throw new DifyApiError(415, 'unsupported_file_type', err.message);
      throw err;
    }
    return reply.status(201).send({
      id: stored.id,
      name: stored.name,
      size: stored.size,
      extension: stored.extension,
      mime_type: stored.mimeType,
      created_by: user,
      created_at: Math.floor(stored.createdAt.getTime() / 1000),
    });
  };
}

/** Blocking mode: the whole answer in one body, as Dify returns it; a failed run is an error response. */
/** The events of a chatflow turn that a blocking chat answer is made of. */
async function* chatEventsOf(events: AsyncIterable<ChatflowEvent>): AsyncGenerator<ChatEvent> {
  for await (const event of events) {
    if (event.event === 'message' || event.event === 'message_end' || event.event === 'error') yield event as unknown as ChatEvent;
  }
}

async function blockingAnswer(events: AsyncIterable<ChatEvent>, mode: 'chat' | 'agent-chat' | 'advanced-chat') {
  let answer = '';
  let createdAt = Math.floor(Date.now() / 1000);
  for await (const event of events) {
    if (event.event === 'agent_thought') continue;
    if (event.event === 'message' || event.event === 'agent_message') {
      answer += event.answer;
      createdAt = event.created_at;
    } else if (event.event === 'error') {
      const code =
        event.code === 'provider_unauthorized'
          ? 'provider_not_initialize'
          : event.code === 'provider_rate_limited'
            ? 'provider_quota_exceeded'
            : 'completion_request_error';
      throw new DifyApiError(400, code, event.message);
    } else {
      return {
        event: 'message' as const,
        task_id: event.task_id,
        id: event.message_id,
        message_id: event.message_id,
        conversation_id: event.conversation_id,
        mode,
        answer,
        metadata: { usage: { ...event.metadata.usage }, retriever_resources: event.metadata.retriever_resources },
        created_at: createdAt,
      };
    }
  }
  throw new DifyApiError(500, 'internal_server_error', 'the answer ended without a result');
}
