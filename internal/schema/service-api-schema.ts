import { z } from 'zod';
import { filesField, inputsField, messageFileItem, type MessageFileItem } from './common-schema.js';
import { retrievedItem } from './dataset-schema.js';
import { appMode, type AppConfig } from '../entity/app-config-entity.js';
import { isGraphMode } from '../entity/workflow-entity.js';
import { unixSeconds } from '../lib/time.js';
import type { App } from '../model/app.js';
import type { Conversation, Message } from '../model/conversation.js';
import type { ThoughtView } from '../service/chat/agent-thoughts.js';

/** Request and response shapes of Dify's service API, field for field. */
/** The service API's `user`: an id the caller chose for its end user. */
export const user = z.string().trim().min(1, 'user is required').max(255);
const uuidOrEmpty = z.union([z.uuid(), z.literal('')]);

export const chatMessageBody = z.object({
  inputs: inputsField,
  query: z.string().trim().min(1, 'query is required').max(20_000),
  response_mode: z
    .enum(['blocking', 'streaming'])
    .nullish()
    .transform((v) => v ?? 'streaming'),
  conversation_id: uuidOrEmpty.nullish(),
  user,
  files: filesField,
  auto_generate_name: z
    .boolean()
    .nullish()
    .transform((v) => v ?? true),
});
export const taskStopParams = z.object({ task_id: z.uuid('task_id must be a UUID') });
export const userBody = z.object({ user });
export const userQuery = z.object({ user });

export const messagesQuery = z.object({
  conversation_id: z.uuid('conversation_id must be a UUID'),
  user,
  first_id: uuidOrEmpty.nullish(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export const conversationsQuery = z.object({
  user,
  last_id: uuidOrEmpty.nullish(),
  /** What dify-client sends for `last_id`. */
  first_id: uuidOrEmpty.nullish(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  sort_by: z.enum(['created_at', '-created_at', 'updated_at', '-updated_at']).default('-updated_at'),
  pinned: z.enum(['true', 'false']).nullish(),
});
export const conversationIdParams = z.object({ conversation_id: z.uuid('conversation_id must be a UUID') });
export const renameBody = z
  .object({ name: z.string().trim().max(255).nullish(), auto_generate: z.boolean().nullish(), user })
  .refine((b) => b.auto_generate || (b.name && b.name.length > 0), {
    message: 'name is required when auto_generate is false',
    path: ['name'],
  });
export const messageIdParams = z.object({ message_id: z.uuid('message_id must be a UUID') });
export const feedbackBody = z.object({
  rating: z.enum(['like', 'dislike']).nullable(),
  user,
  content: z.string().max(2000).nullish(),
});

const resultSuccess = z.object({ result: z.literal('success') });
export const resultResponse = resultSuccess;
export const suggestedResponse = resultSuccess.extend({ data: z.array(z.string()) });

const usage = z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() });
export const blockingResponse = z.object({
  event: z.literal('message'),
  task_id: z.string(),
  id: z.string(),
  message_id: z.string(),
  conversation_id: z.string(),
  mode: z.enum(['chat', 'agent-chat', 'advanced-chat']),
  answer: z.string(),
  metadata: z.object({ usage, retriever_resources: z.array(retrievedItem) }),
  created_at: z.number().int(),
});
export const chatResponse = blockingResponse.or(z.string().describe('text/event-stream when response_mode is streaming'));

export const agentThoughtItem = z.object({
  id: z.string(),
  chain_id: z.null(),
  message_id: z.string(),
  position: z.number().int(),
  thought: z.string(),
  tool: z.string().describe("the step's tool names, `;`-joined"),
  tool_labels: z.record(z.string(), z.object({ en_US: z.string(), zh_Hans: z.string() })),
  tool_input: z.string().describe('JSON text: tool name -> its arguments'),
  observation: z.string().describe('JSON text: tool name -> what it answered'),
  files: z.array(z.string()),
  created_at: z.number().int(),
});

export const messageItem = z.object({
  id: z.string(),
  conversation_id: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  query: z.string(),
  answer: z.string(),
  message_files: z.array(messageFileItem),
  feedback: z.object({ rating: z.string() }).nullable(),
  retriever_resources: z.array(z.unknown()),
  agent_thoughts: z.array(agentThoughtItem),
  status: z.string(),
  error: z.string().nullable(),
  created_at: z.number().int(),
});
export const messagesResponse = z.object({ limit: z.number().int(), has_more: z.boolean(), data: z.array(messageItem) });

const conversationItem = z.object({
  id: z.string(),
  name: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  status: z.string(),
  introduction: z.string(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
});
export const conversationResponse = conversationItem;
export const conversationsResponse = z.object({ limit: z.number().int(), has_more: z.boolean(), data: z.array(conversationItem) });

const enabled = (on: boolean) => ({ enabled: on });
export const parametersResponse = z.looseObject({
  opening_statement: z.string(),
  suggested_questions: z.array(z.string()),
  suggested_questions_after_answer: z.object({ enabled: z.boolean() }),
});
export const infoResponse = z.object({
  name: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  mode: z.string(),
  author_name: z.string(),
});
export const metaResponse = z.object({ tool_icons: z.record(z.string(), z.unknown()) });

export const fileUploadResponse = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int(),
  extension: z.string(),
  mime_type: z.string(),
  created_by: z.string(),
  created_at: z.number().int(),
});

export const difyError = z.object({ code: z.string(), message: z.string(), status: z.number().int() });

export function messageView(m: Message, files: MessageFileItem[] = [], thoughts: ThoughtView[] = []): z.infer<typeof messageItem> {
  return {
    id: m.id,
    conversation_id: m.conversationId,
    inputs: m.inputs,
    query: m.query,
    answer: m.answer,
    message_files: files,
    feedback: m.feedbackRating ? { rating: m.feedbackRating } : null,
    retriever_resources: m.retrieverResources,
    agent_thoughts: thoughts,
    status: m.status,
    error: m.error || null,
    created_at: unixSeconds(m.createdAt),
  };
}

export function conversationView(c: Conversation, introduction: string): z.infer<typeof conversationItem> {
  return {
    id: c.id,
    name: c.name,
    inputs: c.inputs,
    status: 'normal',
    introduction,
    created_at: unixSeconds(c.createdAt),
    updated_at: unixSeconds(c.updatedAt),
  };
}

/** What a client needs to render the app: Dify's `GET /parameters`, features we do not have switched off. */
export function parametersView(
  { config, form, fileUpload }: { config: AppConfig; form: unknown[]; fileUpload: unknown },
  limits: { fileBytes: number; imageBytes: number },
) {
  return {
    opening_statement: config.opening_statement,
    suggested_questions: config.opening_questions,
    suggested_questions_after_answer: enabled(config.suggested_after_answer.enable),
    speech_to_text: enabled(false),
    text_to_speech: enabled(false),
    retriever_resource: enabled(config.datasets.length > 0),
    annotation_reply: enabled(false),
    more_like_this: enabled(false),
    sensitive_word_avoidance: enabled(config.review_config.enable),
    user_input_form: form,
    file_upload: fileUpload,
    system_parameters: {
      file_size_limit: Math.floor(limits.fileBytes / 1024 / 1024),
      image_file_size_limit: Math.floor(limits.imageBytes / 1024 / 1024),
      audio_file_size_limit: 0,
      video_file_size_limit: 0,
    },
  };
}

export function infoView(app: App, config: AppConfig, authorName: string) {
  return {
    name: app.name,
    description: app.description,
    tags: [] as string[],
    mode: isGraphMode(app.mode) ? app.mode : appMode(config),
    author_name: authorName,
  };
}
