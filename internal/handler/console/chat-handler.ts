import type { FastifyReply } from 'fastify';
import { success, successMessage } from '../../../pkg/response/response.js';
import { currentActor, currentWorkspaceId } from '../../middleware/auth.js';
import type { appIdParams } from '../../schema/app-schema.js';
import {
  messagePageView,
  type chatBody,
  messageCursor,
  type messageCursorQuery,
  type summaryBody,
  type taskParams,
} from '../../schema/conversation-schema.js';
import type { ChatService } from '../../service/chat/chat-service.js';
import type { ConversationService } from '../../service/chat/conversation-service.js';
import type { MessageFileService } from '../../service/files/message-file-service.js';
import type { Validated } from '../request-types.js';
import { messageFileLinks } from '../file-links.js';
import { disconnectSignal, streamEvents } from '../sse-response.js';

/** The author's debug chat with an app's draft. */
export class ChatHandler {
  constructor(
    private readonly chatService: ChatService,
    private readonly conversationService: ConversationService,
    private readonly messageFiles: MessageFileService,
    private readonly ssePingIntervalMs: number,
  ) {}

  debugChat = async (req: Validated<{ params: typeof appIdParams; body: typeof chatBody }>, reply: FastifyReply) => {
    const run = await this.chatService.debugChat(currentActor(req), req.params.app_id, req.body, disconnectSignal(reply));
    await streamEvents(req, reply, run.events, this.ssePingIntervalMs);
  };

  stop = async (req: Validated<{ params: typeof taskParams }>) => {
    await this.chatService.stop(currentWorkspaceId(req), req.params.app_id, req.params.task_id);
    return successMessage('stopped');
  };

  debugMessages = async (req: Validated<{ params: typeof appIdParams; query: typeof messageCursorQuery }>) => {
    const page = await this.conversationService.listDebugMessages(currentActor(req), req.params.app_id, messageCursor(req.query));
    return success(messagePageView(page, await messageFileLinks(req, this.messageFiles, page.list)));
  };

  deleteDebugConversation = async (req: Validated<{ params: typeof appIdParams }>) => {
    await this.conversationService.deleteDebugConversation(currentActor(req), req.params.app_id);
    return successMessage('debug conversation deleted');
  };

  getSummary = async (req: Validated<{ params: typeof appIdParams }>) =>
    success({ summary: await this.conversationService.debugSummary(currentActor(req), req.params.app_id) });

  updateSummary = async (req: Validated<{ params: typeof appIdParams; body: typeof summaryBody }>) =>
    success(
      { summary: await this.conversationService.updateDebugSummary(currentActor(req), req.params.app_id, req.body.summary) },
      'summary saved',
    );
}
