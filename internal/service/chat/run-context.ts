import { randomUUID } from 'node:crypto';
import { InputValueError, resolveInputs, type InputValues } from '../../core/prompts/input-variables.js';
import type { AppConfig } from '../../entity/app-config-entity.js';
import { ValidationError } from '../../exception/app-error.js';
import type { App } from '../../model/app.js';
import type { RunContext } from './chat-types.js';

/** The request's inputs checked against the app's form; a misfit is the caller's error, in Dify's words. */
export function formInputs(config: AppConfig, given: Record<string, unknown>): InputValues {
  try {
    return resolveInputs(config.user_input_form, given);
  } catch (err) {
    if (err instanceof InputValueError) throw new ValidationError(err.message);
    throw err;
  }
}

/** The run's fields every published answer shares: the app's workspace, and no member behind it. */
export function publishedBy(app: App): Pick<RunContext, 'workspaceId' | 'fromAccountId' | 'appId'> {
  return { workspaceId: app.workspaceId, fromAccountId: null, appId: app.id };
}

/** The run's fields that come from its conversation: a new one gets a fresh id and no summary yet. */
export function conversationFields(
  conversation: { id: string; summary: string } | undefined,
): Pick<RunContext, 'conversationId' | 'isNewConversation' | 'summary'> {
  return { conversationId: conversation?.id ?? randomUUID(), isNewConversation: !conversation, summary: conversation?.summary ?? '' };
}
