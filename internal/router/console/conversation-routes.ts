import type { AiHandler } from '../../handler/console/ai-handler.js';
import type { ChatHandler } from '../../handler/console/chat-handler.js';
import type { ConversationHandler } from '../../handler/console/conversation-handler.js';
import { appIdParams } from '../../schema/app-schema.js';
import { messageEnvelope } from '../../schema/common-schema.js';
import {
  chatBody,
  conversationMessageParams,
  conversationParams,
  conversationResponse,
  eventStream,
  messageCursorQuery,
  messagePageResponse,
  nameResponse,
  optimizePromptBody,
  pinBody,
  renameBody,
  suggestedQuestionsBody,
  suggestedQuestionsResponse,
  summaryBody,
  summaryResponse,
  taskParams,
} from '../../schema/conversation-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

export function registerConversationRoutes(
  server: HttpServer,
  h: { chat: ChatHandler; conversation: ConversationHandler; ai: AiHandler },
): void {
  const params = appIdParams;
  const debug = 'debug chat';
  server.post(
    '/apps/:app_id/conversations',
    route(Permission.AppsBuild, debug, 'Chat with the draft; answers as Server-Sent Events', {
      params,
      body: chatBody,
      response: { 200: eventStream },
    }),
    h.chat.debugChat,
  );
  server.post(
    '/apps/:app_id/conversations/tasks/:task_id/stop',
    route(Permission.AppsBuild, debug, 'Stop a running answer; the partial answer is kept', {
      params: taskParams,
      response: { 200: messageEnvelope },
    }),
    h.chat.stop,
  );
  server.get(
    '/apps/:app_id/conversations/messages',
    route(Permission.AppsBuild, debug, 'Debug conversation messages, newest first', {
      params,
      querystring: messageCursorQuery,
      response: { 200: messagePageResponse },
    }),
    h.chat.debugMessages,
  );
  server.post(
    '/apps/:app_id/conversations/delete-debug-conversation',
    route(Permission.AppsBuild, debug, 'End the debug conversation; the next message starts anew', {
      params,
      response: { 200: messageEnvelope },
    }),
    h.chat.deleteDebugConversation,
  );
  server.get(
    '/apps/:app_id/summary',
    route(Permission.AppsBuild, debug, 'Long-term memory of the debug conversation', { params, response: { 200: summaryResponse } }),
    h.chat.getSummary,
  );
  server.post(
    '/apps/:app_id/summary',
    route(Permission.AppsBuild, debug, 'Correct the long-term memory of the debug conversation', {
      params,
      body: summaryBody,
      response: { 200: summaryResponse },
    }),
    h.chat.updateSummary,
  );

  const tag = 'conversations';
  const conversation = conversationParams;
  server.get(
    '/conversations/:conversation_id/messages',
    route(Permission.AppsLogs, tag, 'Messages, newest first', {
      params: conversation,
      querystring: messageCursorQuery,
      response: { 200: messagePageResponse },
    }),
    h.conversation.messages,
  );
  server.post(
    '/conversations/:conversation_id/delete',
    route(Permission.AppsLogs, tag, 'Delete a conversation', { params: conversation, response: { 200: messageEnvelope } }),
    h.conversation.delete,
  );
  server.post(
    '/conversations/:conversation_id/messages/:message_id/delete',
    route(Permission.AppsLogs, tag, 'Delete one message', { params: conversationMessageParams, response: { 200: messageEnvelope } }),
    h.conversation.deleteMessage,
  );
  server.get(
    '/conversations/:conversation_id/name',
    route(Permission.AppsLogs, tag, 'Conversation name', { params: conversation, response: { 200: nameResponse } }),
    h.conversation.getName,
  );
  server.post(
    '/conversations/:conversation_id/name',
    route(Permission.AppsLogs, tag, 'Rename a conversation', { params: conversation, body: renameBody, response: { 200: nameResponse } }),
    h.conversation.rename,
  );
  server.post(
    '/conversations/:conversation_id/is-pinned',
    route(Permission.AppsLogs, tag, 'Pin or unpin a conversation', {
      params: conversation,
      body: pinBody,
      response: { 200: conversationResponse },
    }),
    h.conversation.setPinned,
  );

  server.post(
    '/ai/suggested-questions',
    route(Permission.AppsBuild, 'ai helpers', 'Three short follow-up questions to a message', {
      body: suggestedQuestionsBody,
      response: { 200: suggestedQuestionsResponse },
    }),
    h.ai.suggestedQuestions,
  );
  server.post(
    '/ai/optimize-prompt',
    route(Permission.AppsBuild, 'ai helpers', 'Rewrite a prompt; streamed as optimize_prompt events', {
      body: optimizePromptBody,
      response: { 200: eventStream },
    }),
    h.ai.optimizePrompt,
  );
}
