import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { apiToolProviders } from '../../model/tool-provider.js';
import { DEFAULT_APP_CONFIG, type AppConfig, type UserInputFormItem } from '../../entity/app-config-entity.js';
import { isGraphMode } from '../../entity/workflow-entity.js';
import { startForm, startFormWithFiles, type FileFormItem } from '../../core/workflow/start-form.js';
import type { WorkflowService } from '../workflow/workflow-service.js';
import { InvokeFrom } from '../../entity/conversation-entity.js';
import type { Db } from '../../extension/database.js';
import { appUnavailable, DifyApiError } from '../../exception/app-error.js';
import { accounts } from '../../model/account.js';
import type { App } from '../../model/app.js';
import { conversations, messages, type Conversation } from '../../model/conversation.js';
import type { AiHelperService } from './ai-helper-service.js';
import type { AppConfigService } from './app-config-service.js';
import type { ConversationService, ConversationSort, MessageKey } from '../chat/conversation-service.js';

/**
 * What Dify's service API offers besides sending messages, for the end users of one app: each
 * end user (the caller's `user` string) sees only their own conversations.
 */
export class PublishedAppService {
  constructor(
    private readonly db: Db,
    private readonly aiHelper: AiHelperService,
    private readonly conversationService: ConversationService,
    private readonly appConfig: AppConfigService,
    private readonly workflows: WorkflowService,
  ) {}

  async publishedConfig(app: App): Promise<AppConfig> {
    if (isGraphMode(app.mode)) {
      // A graph app's form is its start node's variables; its opening and suggested questions are features.
      const workflow = await this.workflows.published(app);
      if (!workflow) throw appUnavailable();
      const features = workflow.spec.features as {
        opening_statement?: unknown;
        suggested_questions?: unknown;
        suggested_questions_after_answer?: { enabled?: unknown };
      };
      return {
        ...DEFAULT_APP_CONFIG,
        user_input_form: startForm(workflow.graph),
        opening_statement: typeof features.opening_statement === 'string' ? features.opening_statement : '',
        opening_questions: Array.isArray(features.suggested_questions) ? features.suggested_questions.map(String) : [],
        suggested_after_answer: { enable: features.suggested_questions_after_answer?.enabled === true },
      };
    }
    const config = await this.appConfig.published(app);
    if (!config) throw appUnavailable();
    return config;
  }

  /**
   * What a client renders the app from: its settings, its input form (a graph app's with its file
   * variables) and what files a message or run takes (a graph app's `file_upload` feature as saved).
   */
  async parameters(app: App): Promise<{ config: AppConfig; form: Array<UserInputFormItem | FileFormItem>; fileUpload: unknown }> {
    const config = await this.publishedConfig(app);
    if (!isGraphMode(app.mode)) return { config, form: config.user_input_form, fileUpload: config.file_upload };
    const workflow = await this.workflows.published(app);
    if (!workflow) throw appUnavailable();
    return { config, form: startFormWithFiles(workflow.graph), fileUpload: workflow.spec.features['file_upload'] ?? config.file_upload };
  }

  /** Dify's /meta: each configured tool's icon, a built-in's as its icon link, an API tool's as its emoji. */
  async toolIcons(app: App): Promise<Record<string, string | { background: string; content: string }>> {
    const { tools } = await this.publishedConfig(app);
    const icons: Record<string, string | { background: string; content: string }> = {};
    const apiIds = tools.filter((t) => t.type === 'api_tool').map((t) => t.provider_id);
    const apiIcons = new Map(
      apiIds.length === 0
        ? []
        : (
            await this.db
              .select({ id: apiToolProviders.id, icon: apiToolProviders.icon })
              .from(apiToolProviders)
              .where(and(eq(apiToolProviders.workspaceId, app.workspaceId), inArray(apiToolProviders.id, apiIds)))
          ).map((r) => [r.id, r.icon]),
    );
    for (const tool of tools) {
      if (tool.type === 'builtin_tool') icons[tool.tool_id] = `/builtin-tools/${tool.provider_id}/icon`;
      else if (tool.type === 'api_tool' && apiIcons.get(tool.provider_id)) {
        icons[tool.tool_id] = { background: '#FFEAD5', content: apiIcons.get(tool.provider_id)! };
      }
    }
    return icons;
  }

  async authorName(app: App): Promise<string> {
    const [row] = await this.db.select({ name: accounts.name }).from(accounts).where(eq(accounts.id, app.workspaceId)).limit(1);
    return row?.name ?? '';
  }

  async conversation(
    app: App,
    user: string,
    conversationId: string,
    invokeFrom: InvokeFrom = InvokeFrom.ServiceApi,
  ): Promise<Conversation> {
    const conversation = await this.conversationService.findEndUserConversation(app.id, user, conversationId, invokeFrom);
    if (!conversation) throw new DifyApiError(404, 'not_found', 'Conversation Not Exists.');
    return conversation;
  }

  /** A page of a conversation's messages in the order they were said; `firstId` pages back to older ones. */
  async messages(
    app: App,
    user: string,
    conversationId: string,
    firstId: string | undefined,
    limit: number,
    invokeFrom: InvokeFrom = InvokeFrom.ServiceApi,
  ) {
    await this.conversation(app, user, conversationId, invokeFrom);
    let first: MessageKey | undefined;
    if (firstId) {
      [first] = await this.db
        .select({ createdAt: messages.createdAt, id: messages.id })
        .from(messages)
        .where(and(eq(messages.id, firstId), eq(messages.conversationId, conversationId)))
        .limit(1);
      if (!first) throw new DifyApiError(404, 'not_found', 'First Message Not Exists.');
    }
    return this.conversationService.messagesBefore(conversationId, first, limit);
  }

  /** The end user's conversations; `lastId` continues after that conversation in the chosen order. */
  async conversations(app: App, user: string, lastId: string | undefined, limit: number, sort: ConversationSort) {
    const page = await this.conversationService.endUserConversations(app.id, InvokeFrom.ServiceApi, user, { lastId, limit, sort });
    if (!page) throw new DifyApiError(404, 'not_found', 'Last Conversation Not Exists.');
    return page;
  }

  async deleteConversation(app: App, user: string, conversationId: string): Promise<void> {
    await this.conversation(app, user, conversationId);
    await this.conversationService.markDeleted(conversationId);
  }

  /** A name given, or one the model makes from the first exchange. */
  async renameConversation(
    app: App,
    user: string,
    conversationId: string,
    name: string | undefined,
    autoGenerate: boolean,
  ): Promise<Conversation> {
    await this.conversation(app, user, conversationId);
    if (autoGenerate) {
      const [first] = await this.db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), eq(messages.isDeleted, false)))
        .orderBy(asc(messages.createdAt))
        .limit(1);
      if (first) {
        await this.aiHelper.nameConversation({
          conversationId,
          workspaceId: app.workspaceId,
          provider: first.provider,
          model: first.model,
          query: first.query,
          answer: first.answer,
        });
      }
    } else {
      await this.db.update(conversations).set({ name: name!, updatedAt: new Date() }).where(eq(conversations.id, conversationId));
      this.conversationService.memory.changed(conversationId);
    }
    return this.conversation(app, user, conversationId);
  }

  async feedback(app: App, user: string, messageId: string, rating: 'like' | 'dislike' | null, content: string): Promise<void> {
    const updated = await this.db
      .update(messages)
      .set({ feedbackRating: rating, feedbackContent: content, updatedAt: sql`now()` })
      .where(
        and(
          eq(messages.id, messageId),
          eq(messages.appId, app.id),
          eq(messages.invokeFrom, InvokeFrom.ServiceApi),
          eq(messages.endUser, user),
          eq(messages.isDeleted, false),
        ),
      )
      .returning({ id: messages.id });
    if (updated.length === 0) throw new DifyApiError(404, 'not_found', 'Message Not Exists.');
  }

  /** Follow-up questions for one of the end user's messages, when the app has them switched on. */
  async suggested(app: App, user: string, messageId: string): Promise<string[]> {
    const config = await this.publishedConfig(app);
    if (!config.suggested_after_answer.enable) throw new DifyApiError(400, 'bad_request', 'Suggested Questions Is Disabled.');
    const [message] = await this.db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.id, messageId), eq(messages.appId, app.id), eq(messages.endUser, user), eq(messages.isDeleted, false)))
      .limit(1);
    if (!message) throw new DifyApiError(404, 'not_found', 'Message Not Exists.');
    return this.aiHelper.suggestedQuestions(app.workspaceId, messageId);
  }
}
