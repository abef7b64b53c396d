import { randomUUID } from 'node:crypto';
import { InputValueError, resolveInputs, type InputValues } from '../../core/prompts/input-variables.js';
import type { AppConfig } from '../../entity/app-config-entity.js';
import { ValidationError } from '../../exception/app-error.js';
import type { App } from '../../model/app.js';
import type { DialogTurn } from '../../core/memory/prompt-builder.js';
import type { Db } from '../../extension/database.js';
import type { MessageFileService } from '../files/message-file-service.js';
import type { ResolvedModel } from '../models/llm-model-service.js';
import { agentStrategy } from '../tools/agent-loop.js';
import { stepMessages } from './agent-thoughts.js';
import type { RunContext } from './chat-types.js';
import type { RememberedTurn } from './conversation-memory.js';

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

/**
 * Remembered turns as the model saw them: with image upload on, the images each question carried
 * (as Dify's memory does); for an agent, the tool calls and results between question and answer.
 */
export async function rememberedTurns(
  db: Db,
  messageFiles: MessageFileService,
  turns: readonly RememberedTurn[],
  config: AppConfig,
  resolved: ResolvedModel,
): Promise<readonly DialogTurn[]> {
  const image = config.file_upload.image;
  const agent = config.tools.length > 0;
  if ((!image.enabled && !agent) || turns.length === 0) return turns;
  const ids = turns.map((t) => t.id);
  const [images, steps] = await Promise.all([
    image.enabled ? messageFiles.imagesOf(ids, image.detail) : new Map<string, never>(),
    agent ? stepMessages(db, ids, agentStrategy(config, resolved.spec)) : new Map<string, never>(),
  ]);
  return turns.map((t) => ({
    ...t,
    ...(images.has(t.id) ? { images: images.get(t.id)! } : {}),
    ...(steps.has(t.id) ? { steps: steps.get(t.id)! } : {}),
  }));
}
