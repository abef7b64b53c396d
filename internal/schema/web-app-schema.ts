import { z } from 'zod';
import { APP_MODES, isGraphMode } from '../entity/workflow-entity.js';
import { appMode, type AppConfig } from '../entity/app-config-entity.js';
import { unixSeconds } from '../lib/time.js';
import type { App } from '../model/app.js';
import type { Conversation } from '../model/conversation.js';
import { fileUpload, startFormResponse } from './app-config-schema.js';
import { messageItem } from './service-api-schema.js';
import { envelope, filesField, inputsField, unixTime } from './common-schema.js';

export const webAppParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'is not a web app token') });
export const webAppTaskParams = webAppParams.extend({ task_id: z.uuid('must be a UUID') });
export const webAppChatBody = z.object({
  query: z.string().trim().min(1, 'must not be empty').max(20_000),
  conversation_id: z.uuid('must be a UUID').optional(),
  inputs: inputsField,
  files: filesField,
});
export const webAppRunBody = z.object({ inputs: inputsField, files: filesField });
export const webAppMessagesQuery = z.object({
  conversation_id: z.uuid('must be a UUID'),
  first_id: z.uuid('must be a UUID').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export const webAppConversationsQuery = z.object({
  last_id: z.uuid('must be a UUID').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const webAppItem = z.object({
  name: z.string(),
  mode: z.enum(APP_MODES).describe('workflow apps run with /workflows/run; the others chat'),
  icon: z.string(),
  description: z.string(),
  opening_statement: z.string(),
  opening_questions: z.array(z.string()),
  suggested_after_answer: z.object({ enable: z.boolean() }),
  user_input_form: startFormResponse,
  file_upload: fileUpload,
});
export const webAppResponse = envelope(webAppItem);
const conversationItem = z.object({ id: z.uuid(), name: z.string(), created_at: unixTime, updated_at: unixTime });
export const webAppConversationsResponse = envelope(z.object({ list: z.array(conversationItem), has_more: z.boolean() }));
export const webAppMessagesResponse = envelope(z.object({ list: z.array(messageItem), has_more: z.boolean() }));
export const regenerateTokenResponse = envelope(z.object({ web_app_token: z.string() }));

export function webAppView(
  app: App,
  { config, form }: { config: AppConfig; form: z.infer<typeof startFormResponse> },
): z.infer<typeof webAppItem> {
  return {
    name: app.name,
    mode: isGraphMode(app.mode) ? app.mode : appMode(config),
    icon: app.icon,
    description: app.description,
    opening_statement: config.opening_statement,
    opening_questions: config.opening_questions,
    suggested_after_answer: config.suggested_after_answer,
    user_input_form: form,
    file_upload: config.file_upload,
  };
}

export function webAppConversationView(c: Conversation): z.infer<typeof conversationItem> {
  return { id: c.id, name: c.name, created_at: unixSeconds(c.createdAt), updated_at: unixSeconds(c.updatedAt) };
}
