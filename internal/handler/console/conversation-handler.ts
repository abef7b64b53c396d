import { success, successMessage } from '../../../pkg/response/response.js';
import { currentWorkspaceId } from '../../middleware/auth.js';
import {
  conversationView,
  messagePageView,
  type conversationMessageParams,
  type conversationParams,
  messageCursor,
  type messageCursorQuery,
  type pinBody,
  type renameBody,
} from '../../schema/conversation-schema.js';
import type { ConversationService } from '../../service/chat/conversation-service.js';
import type { MessageFileService } from '../../service/files/message-file-service.js';
import { messageFileLinks } from '../file-links.js';
import type { Validated } from '../request-types.js';

type ConversationRequest = Validated<{ params: typeof conversationParams }>;

export class ConversationHandler {
  constructor(
    private readonly conversationService: ConversationService,
    private readonly messageFiles: MessageFileService,
  ) {}

  messages = async (req: Validated<{ params: typeof conversationParams; query: typeof messageCursorQuery }>) => {
    const page = await this.conversationService.listMessages(currentWorkspaceId(req), req.params.conversation_id, messageCursor(req.query));
    return success(messagePageView(page, await messageFileLinks(req, this.messageFiles, page.list)));
  };

  delete = async (req: ConversationRequest) => {
    await this.conversationService.deleteConversation(currentWorkspaceId(req), req.params.conversation_id);
    return successMessage('conversation deleted');
  };

  deleteMessage = async (req: Validated<{ params: typeof conversationMessageParams }>) => {
    await this.conversationService.deleteMessage(currentWorkspaceId(req), req.params.conversation_id, req.params.message_id);
    return successMessage('message deleted');
  };

  getName = async (req: ConversationRequest) =>
    success({ name: (await this.conversationService.getOwned(currentWorkspaceId(req), req.params.conversation_id)).name });

  rename = async (req: Validated<{ params: typeof conversationParams; body: typeof renameBody }>) =>
    success(
      { name: (await this.conversationService.rename(currentWorkspaceId(req), req.params.conversation_id, req.body.name)).name },
      'renamed',
    );

  setPinned = async (req: Validated<{ params: typeof conversationParams; body: typeof pinBody }>) =>
    success(
      conversationView(await this.conversationService.setPinned(currentWorkspaceId(req), req.params.conversation_id, req.body.is_pinned)),
    );
}
