import { and, desc, eq, lte } from 'drizzle-orm';
import type { ChatMessage, ChatStreamEvent } from '../../core/llm/llm-types.js';
import { retryBeforeFirstEvent } from '../../core/llm/retry.js';
import {
  cleanTitle,
  CONVERSATION_NAME_PROMPT,
  OPTIMIZE_PROMPT_PROMPT,
  parseQuestions,
  SUGGESTED_QUESTIONS_PROMPT,
  SUMMARY_PROMPT,
} from '../../core/prompts/helper-prompts.js';
import { completeConfig } from '../../entity/app-config-entity.js';
import { CONVERSATION_NAME_MAX_LENGTH } from '../../entity/conversation-entity.js';
import type { Db } from '../../extension/database.js';
import { FailError } from '../../exception/app-error.js';
import { apps } from '../../model/app.js';
import { conversations, messages } from '../../model/conversation.js';
import type { ChatSettings, NamingJob } from '../chat/chat-types.js';
import type { ConversationService } from '../chat/conversation-service.js';
import type { LlmModelService } from '../models/llm-model-service.js';

const HELPER_PARAMETERS = { temperature: 0.3, max_tokens: 512 };

/** Small model calls around a chat: titles, summaries, follow-up questions, prompt rewriting. */
export class AiHelperService {
  constructor(
    private readonly db: Db,
    private readonly conversations: ConversationService,
    private readonly llmModels: LlmModelService,
    private readonly settings: ChatSettings,
  ) {}

  /** Background: a title from the first exchange. */
  async nameConversation(job: NamingJob, signal?: AbortSignal): Promise<void> {
    const reply = await this.complete(job.workspaceId, job.provider, job.model, signal, [
      { role: 'system', content: CONVERSATION_NAME_PROMPT },
      { role: 'user', content: `User: ${job.query}\nAssistant: ${job.answer}` },
    ]);
    const title = cleanTitle(reply, CONVERSATION_NAME_MAX_LENGTH);
    if (title) await this.conversations.storeName(job.conversationId, title);
  }

  /** Background: folds the newest exchange into the conversation's long-term memory. */
  async summarize(job: NamingJob, signal?: AbortSignal): Promise<void> {
    const [conversation] = await this.db
      .select({ summary: conversations.summary })
      .from(conversations)
      .where(eq(conversations.id, job.conversationId))
      .limit(1);
    if (!conversation) return;
    const reply = await this.complete(job.workspaceId, job.provider, job.model, signal, [
      { role: 'system', content: SUMMARY_PROMPT },
      {
        role: 'user',
        content: `Current summary:\n${conversation.summary || '(none)'}\n\nNewest exchange:\nUser: ${job.query}\nAssistant: ${job.answer}`,
      },
    ]);
    if (reply.trim()) await this.conversations.storeSummary(job.conversationId, reply.trim());
  }

  /** Three short follow-ups to a message, from the conversation up to it. */
  async suggestedQuestions(workspaceId: string, messageId: string): Promise<string[]> {
    const message = await this.conversations.getOwnedMessage(workspaceId, messageId);
    // The model that answered: the published one for end users, the draft's in the debugger.
    const { provider, model } = message.provider && message.model ? message : await this.draftModel(message.appId);
    const recent = await this.db
      .select({ query: messages.query, answer: messages.answer })
      .from(messages)
      .where(
        and(eq(messages.conversationId, message.conversationId), eq(messages.isDeleted, false), lte(messages.createdAt, message.createdAt)),
      )
      .orderBy(desc(messages.createdAt))
      .limit(3);
    const transcript = recent
      .reverse()
      .map((m) => `User: ${m.query}\nAssistant: ${m.answer}`)
      .join('\n\n');
    const reply = await this.complete(workspaceId, provider, model, undefined, [
      { role: 'system', content: SUGGESTED_QUESTIONS_PROMPT },
      { role: 'user', content: transcript },
    ]);
    return parseQuestions(reply);
  }

  /** A streamed rewrite of a prompt, with the account's chosen model or its first configured one. */
  async optimizePrompt(
    workspaceId: string,
    prompt: string,
    model: { provider: string; model: string } | undefined,
    signal: AbortSignal,
  ): Promise<AsyncIterable<ChatStreamEvent>> {
    const choice = model ?? (await this.firstConfiguredModel(workspaceId));
    const { llm, spec } = await this.llmModels.resolve(workspaceId, choice.provider, choice.model);
    const request = {
      model: spec.model,
      messages: [
        { role: 'system' as const, content: OPTIMIZE_PROMPT_PROMPT },
        { role: 'user' as const, content: prompt },
      ],
      parameters: { temperature: 0.5, max_tokens: Math.min(2048, spec.maxOutput) },
      signal,
    };
    return retryBeforeFirstEvent(() => llm.chatStream(request), this.retryPolicy(), signal);
  }

  private async draftModel(appId: string): Promise<{ provider: string; model: string }> {
    const [app] = await this.db.select({ draftConfig: apps.draftConfig }).from(apps).where(eq(apps.id, appId)).limit(1);
    return completeConfig(app?.draftConfig).model_config;
  }

  private async firstConfiguredModel(workspaceId: string): Promise<{ provider: string; model: string }> {
    for (const view of await this.llmModels.listProviders(workspaceId)) {
      const chat = view.models.find((m) => m.type === 'chat');
      if (view.credential.configured && chat) return { provider: view.provider.id, model: chat.model };
    }
    throw new FailError('no model provider is configured; add credentials at POST /llm-models/:provider/credentials');
  }

  private async complete(
    workspaceId: string,
    provider: string,
    model: string,
    signal: AbortSignal | undefined,
    prompt: ChatMessage[],
  ): Promise<string> {
    const { llm, spec } = await this.llmModels.resolve(workspaceId, provider, model);
    const parameters = { ...HELPER_PARAMETERS, max_tokens: Math.min(HELPER_PARAMETERS.max_tokens, spec.maxOutput) };
    let text = '';
    for await (const event of retryBeforeFirstEvent(
      () => llm.chatStream({ model: spec.model, messages: prompt, parameters, signal }),
      this.retryPolicy(),
      signal,
    )) {
      if (event.type === 'text') text += event.text;
    }
    return text;
  }

  private retryPolicy() {
    return { retries: this.settings.llmMaxRetries, baseDelayMs: this.settings.llmRetryBaseMs };
  }
}
