import { z } from 'zod';
import { CONVERSATION_NAME_MAX_LENGTH, MessageStatus } from '../entity/conversation-entity.js';
import { unixSeconds } from '../lib/time.js';
import type { Conversation, Message } from '../model/conversation.js';
import type { ThoughtView } from '../service/chat/agent-thoughts.js';
import type { MessagePage } from '../service/chat/conversation-service.js';
import { agentThoughtItem } from './service-api-schema.js';
import { envelope, filesField, inputsField, messageFileItem, unixTime, type MessageFileItem, unixSecondsQuery } from './common-schema.js';

const uuid = z.uuid('must be a UUID');
export const conversationParams = z.object({ conversation_id: uuid });
export const conversationMessageParams = z.object({ conversation_id: uuid, message_id: uuid });
export const taskParams = z.object({ app_id: uuid, task_id: uuid });

export const chatBody = z.object({
  query: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters'),
  inputs: inputsField,
  files: filesField,
});
export const messageCursorQuery = z.object({
  created_at: unixSecondsQuery.optional().describe('Unix seconds (fractions allowed): only messages created before it'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
/** The console's message cursor as the conversation service takes it: a point in time and a page size. */
export function messageCursor(query: z.infer<typeof messageCursorQuery>): { before: Date | undefined; limit: number } {
  return { before: query.created_at ? new Date(query.created_at * 1000) : undefined, limit: query.limit };
}
export const renameBody = z.object({ name: z.string().trim().min(1, 'must not be empty').max(CONVERSATION_NAME_MAX_LENGTH) });
export const pinBody = z.object({ is_pinned: z.boolean() });
export const summaryBody = z.object({ summary: z.string().trim().max(20_000) });
export const suggestedQuestionsBody = z.object({ message_id: uuid });
export const optimizePromptBody = z.object({
  prompt: z.string().trim().min(1, 'must not be empty').max(20_000),
  model_config: z.object({ provider: z.string().min(1).max(64), model: z.string().min(1).max(200) }).optional(),
});

const messageItem = z.object({
  id: z.uuid(),
  conversation_id: z.uuid(),
  query: z.string(),
  answer: z.string(),
  status: z.enum(Object.values(MessageStatus)),
  error: z.string(),
  message_tokens: z.number().int(),
  answer_tokens: z.number().int(),
  total_tokens: z.number().int(),
  total_price: z.number(),
  currency: z.string(),
  latency: z.number(),
  first_token_latency: z.number(),
  provider: z.string(),
  model: z.string(),
  message_files: z.array(messageFileItem),
  agent_thoughts: z.array(agentThoughtItem),
  feedback: z
    .object({ rating: z.enum(['like', 'dislike']), content: z.string() })
    .nullable()
    .describe("the end user's rating of the answer (service API or web app), or null"),
  created_at: unixTime,
});
export const messagePageResponse = envelope(
  z.object({
    list: z.array(messageItem),
    has_more: z.boolean(),
    next_created_at: z.number().nullable().describe('pass as created_at for the next (older) page'),
  }),
);
const conversationItem = z.object({
  id: z.uuid(),
  name: z.string(),
  is_pinned: z.boolean(),
  invoke_from: z.string(),
  created_at: unixTime,
  updated_at: unixTime,
});
export const conversationResponse = envelope(conversationItem);
export const nameResponse = envelope(z.object({ name: z.string() }));
export const summaryResponse = envelope(z.object({ summary: z.string() }));
export const suggestedQuestionsResponse = envelope(z.array(z.string()));
export const eventStream = z
  .string()
  .describe('text/event-stream: message (agent_message and agent_thought for apps with tools), message_end, error and ping events');

export function messageView(m: Message, files: MessageFileItem[] = [], thoughts: ThoughtView[] = []): z.infer<typeof messageItem> {
  return {
    id: m.id,
    conversation_id: m.conversationId,
    query: m.query,
    answer: m.answer,
    status: m.status,
    error: m.error,
    message_tokens: m.messageTokens,
    answer_tokens: m.answerTokens,
    total_tokens: m.totalTokens,
    total_price: m.totalPrice,
    currency: m.currency,
    latency: m.latency,
    first_token_latency: m.firstTokenLatency,
    provider: m.provider,
    model: m.model,
    message_files: files,
    agent_thoughts: thoughts,
    feedback: m.feedbackRating ? { rating: m.feedbackRating, content: m.feedbackContent } : null,
    created_at: unixSeconds(m.createdAt),
  };
}

export function messagePageView(page: MessagePage, files: Map<string, MessageFileItem[]>) {
  const last = page.list.at(-1);
  return {
    list: page.list.map((m) => messageView(m, files.get(m.id), page.thoughts.get(m.id))),
    has_more: page.hasMore,
    next_created_at: page.hasMore && last ? last.createdAt.getTime() / 1000 : null,
  };
}

export function conversationView(c: Conversation): z.infer<typeof conversationItem> {
  return {
    id: c.id,
    name: c.name,
    is_pinned: c.isPinned,
    invoke_from: c.invokeFrom,
    created_at: unixSeconds(c.createdAt),
    updated_at: unixSeconds(c.updatedAt),
  };
}
