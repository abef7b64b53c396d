import { randomUUID } from 'node:crypto';
import { effectiveParameters } from '../../core/llm/model-catalog.js';
import { LlmError, type ChatMessage } from '../../core/llm/llm-types.js';
import { retryBeforeFirstEvent } from '../../core/llm/retry.js';
import { countPromptTokens, countTextTokens, loadTokenizer } from '../../core/llm/token-counter.js';
import { usageReport } from '../../core/llm/usage.js';
import { buildPrompt, promptWithinBound, PromptTooLongError } from '../../core/memory/prompt-builder.js';
import { fillVariables } from '../../core/prompts/input-variables.js';
import { containsKeyword, KeywordMasker } from '../../core/review/keyword-masker.js';
import { completeConfig, type AppConfig } from '../../entity/app-config-entity.js';
import { ChatEventName, InvokeFrom, MessageStatus } from '../../entity/conversation-entity.js';
import type { Db } from '../../extension/database.js';
import type { Logger } from '../../extension/logger.js';
import type { Queue } from '../../extension/queue/queue.js';
import type { StopSignal } from '../../extension/stop-signal.js';
import { AppError, appUnavailable, FailError, DifyApiError } from '../../exception/app-error.js';
import type { App } from '../../model/app.js';
import type { AppConfigService } from '../apps/app-config-service.js';
import { ChatMessageStore } from './chat-message-store.js';
import { RunningAnswers } from './running-answers.js';
import type { AppService } from '../apps/app-service.js';
import type { TurnStored } from './conversation-memory.js';
import type { ConversationService } from './conversation-service.js';
import type { LlmModelService, ResolvedModel } from '../models/llm-model-service.js';
import type { MessageFileService } from '../files/message-file-service.js';
import type { RetrievalService } from '../knowledge/retrieval-service.js';
import type { Actor } from '../identity/permissions.js';
import { thoughtFields } from './agent-thoughts.js';
import { addUsage, agentEvents, type ToolSources } from '../tools/agent-loop.js';
import { enqueueFollowUps } from './chat-follow-ups.js';
import { closingEvent, failureOf, withoutInternals, type AnswerProgress } from './answer-outcome.js';
import { conversationFields, formInputs, publishedBy, rememberedTurns } from './run-context.js';
import {
  knowledgeContext,
  type ChatEvent,
  type ChatRun,
  type ChatSettings,
  type DebugChatInput,
  type RetrieverResource,
  type RunContext,
  type ServiceChatInput,
  type StatelessChatInput,
} from './chat-types.js';
import { citationOf, type RetrievedSegment } from '../../entity/dataset-entity.js';

/** What ChatService is built from (named, so the composition root reads as a list). */
export interface ChatServiceDeps {
  db: Db;
  appService: AppService;
  conversations: ConversationService;
  llmModels: LlmModelService;
  queue: Queue;
  stopSignal: StopSignal;
  retrieval: RetrievalService;
  appConfig: AppConfigService;
  messageFiles: MessageFileService;
  tools: ToolSources;
  settings: ChatSettings;
  logger: Logger;
}

/**
 * The chat pipeline: load config and memory, start the model, stream its answer while the
 * rows are written, and store the outcome (answer, status, tokens, price, latency). Naming and
 * summaries run afterwards as background jobs.
 */
export class ChatService {
  private readonly answers: RunningAnswers;
  private readonly messageStore: ChatMessageStore;

  private readonly db: Db;
  private readonly appService: AppService;
  private readonly conversations: ConversationService;
  private readonly llmModels: LlmModelService;
  private readonly queue: Queue;
  private readonly retrieval: RetrievalService;
  private readonly appConfig: AppConfigService;
  private readonly messageFiles: MessageFileService;
  private readonly tools: ToolSources;
  private readonly settings: ChatSettings;
  private readonly logger: Logger;

  constructor(deps: ChatServiceDeps) {
    this.db = deps.db;
    this.appService = deps.appService;
    this.conversations = deps.conversations;
    this.llmModels = deps.llmModels;
    this.queue = deps.queue;
    this.retrieval = deps.retrieval;
    this.appConfig = deps.appConfig;
    this.messageFiles = deps.messageFiles;
    this.tools = deps.tools;
    this.settings = deps.settings;
    this.logger = deps.logger;
    const { db, stopSignal, logger } = deps;
    this.messageStore = new ChatMessageStore(db, logger);
    this.answers = new RunningAnswers(db, stopSignal);
  }

  /** Shutdown past its timeout: every answer streaming here ends now, stored as interrupted, its stream closed with an error event. */
  interruptAll(): void {
    this.answers.interruptAll();
  }

  /** Answers a dead process left running become interrupted (see ChatMessageStore). */
  interruptUnfinished(startedBefore: Date): Promise<number> {
    return this.messageStore.interruptUnfinished(startedBefore);
  }

  /** Listens for stops published by any node. */
  listenForStops(): Promise<void> {
    return this.answers.listen();
  }

  /** A message to the app's draft, in the author's debug conversation. Errors before streaming are thrown. */
  async debugChat(actor: Actor, appId: string, input: DebugChatInput, clientSignal?: AbortSignal): Promise<ChatRun> {
    const { workspaceId } = actor;
    const startedAt = performance.now();
    // The app and the model's credentials come from the hot cache; the conversation and its memory are one statement.
    const app = await this.appService.get(workspaceId, appId);
    const config = completeConfig(app.draftConfig);
    // The author tries values as the form changes, so every debug message takes the inputs it is sent with.
    const values = formInputs(config, input.inputs);
    const [files, resolved, { conversation, turns }] = await Promise.all([
      this.messageFiles.resolve(workspaceId, config, input.files),
      this.llmModels.resolve(workspaceId, config.model_config.provider, config.model_config.model),
      this.conversations.debugConversationWithTurns(actor, appId, config.dialog_round),
    ]);
    const history = await rememberedTurns(this.db, this.messageFiles, turns, config, resolved);
    return this.start({
      workspaceId,
      fromAccountId: actor.accountId,
      appId,
      config,
      resolved,
      history,
      ...conversationFields(conversation),
      query: input.query,
      files,
      invokeFrom: InvokeFrom.Debugger,
      startedAt,
      clientSignal,
      endUser: '',
      inputs: values,
      autoName: true,
    });
  }

  /** A message from an end user (service API or web app), answered with the app's published config. */
  async serviceChat(
    app: App,
    input: ServiceChatInput,
    clientSignal?: AbortSignal,
    invokeFrom: InvokeFrom = InvokeFrom.ServiceApi,
  ): Promise<ChatRun> {
    const startedAt = performance.now();
    const { config, resolved } = await this.publishedModel(app);
    const { conversation, turns } = input.conversationId
      ? await this.conversations.endUserConversationWithTurns(app.id, input.user, input.conversationId, invokeFrom, config.dialog_round)
      : { conversation: undefined, turns: [] };
    if (input.conversationId && !conversation) throw new DifyApiError(404, 'not_found', 'Conversation Not Exists.');
    // As in Dify, a conversation keeps the inputs it started with.
    const inputs = conversation ? conversation.inputs : formInputs(config, input.inputs);
    const [files, history] = await Promise.all([
      this.messageFiles.resolve(app.workspaceId, config, input.files, { appId: app.id, endUser: input.user }),
      rememberedTurns(this.db, this.messageFiles, turns, config, resolved),
    ]);
    return this.start({
      ...publishedBy(app),
      config,
      resolved,
      history,
      ...conversationFields(conversation),
      query: input.query,
      files,
      invokeFrom,
      startedAt,
      clientSignal,
      endUser: input.user,
      inputs,
      autoName: input.autoGenerateName,
    });
  }

  /**
   * The OpenAI-compatible endpoint: the request carries the whole conversation. Each call is kept
   * as a one-message conversation of the service API, so logs and analytics see it.
   */
  async statelessChat(app: App, input: StatelessChatInput, clientSignal?: AbortSignal): Promise<ChatRun> {
    const startedAt = performance.now();
    const { config, resolved } = await this.publishedModel(app);
    return this.start({
      ...publishedBy(app),
      config: { ...config, dialog_round: Math.max(config.dialog_round, input.history.length) },
      resolved,
      ...conversationFields(undefined),
      query: input.query,
      files: this.messageFiles.fromUrls(config, input.images),
      invokeFrom: InvokeFrom.ServiceApi,
      startedAt,
      clientSignal,
      endUser: input.user,
      inputs: formInputs(config, input.inputs),
      autoName: false,
      history: input.history,
      extraSystem: input.system,
    });
  }

  /** The published config and its model, with the owner's credentials; what outside callers are answered with. */
  private async publishedModel(app: App): Promise<{ config: AppConfig; resolved: ResolvedModel }> {
    const config = await this.appConfig.published(app);
    if (!config) throw appUnavailable();
    try {
      return { config, resolved: await this.llmModels.resolve(app.workspaceId, config.model_config.provider, config.model_config.model) };
    } catch (err) {
      if (err instanceof AppError) throw new DifyApiError(400, 'provider_not_initialize', err.message);
      throw err;
    }
  }

  /** The service API's stop: only the end user who asked may stop the answer. */
  stopForEndUser(appId: string, endUser: string, taskId: string, invokeFrom: InvokeFrom = InvokeFrom.ServiceApi): Promise<void> {
    return this.answers.stopForEndUser(appId, endUser, taskId, invokeFrom);
  }

  /** Stops a running answer wherever it streams; the partial answer is kept with status stop. */
  stop(workspaceId: string, appId: string, taskId: string): Promise<void> {
    return this.answers.stop(workspaceId, appId, taskId);
  }

  private async start(ctx: RunContext): Promise<ChatRun> {
    const messageId = randomUUID();
    const review = ctx.config.review_config;
    const inputBlocked = review.enable && review.inputs_config.enable && containsKeyword(ctx.query, review.keywords);
    const history = inputBlocked ? [] : ctx.history;
    const parameters = effectiveParameters(ctx.resolved.spec, ctx.config.model_config.parameters);
    const knowledge = inputBlocked ? [] : await this.retrieveKnowledge(ctx);
    const promptInput = {
      presetPrompt: [fillVariables(ctx.config.preset_prompt, ctx.inputs), ctx.extraSystem ?? ''].filter((p) => p.trim()).join('\n\n'),
      context: knowledgeContext(knowledge),
      summary: ctx.config.long_term_memory.enable ? ctx.summary : '',
      history,
      query: ctx.query,
      images: ctx.files.images,
      dialogRound: ctx.config.dialog_round,
      contextWindow: ctx.resolved.spec.contextWindow,
      maxTokens: parameters.max_tokens,
    };
    // Most prompts fit by a byte bound; only the others are counted (and load the tokenizer first).
    let prompt: { messages: ChatMessage[]; promptTokens?: number } | undefined = promptWithinBound(promptInput);
    if (!prompt) {
      await loadTokenizer();
      try {
        prompt = buildPrompt(promptInput);
      } catch (err) {
        if (err instanceof PromptTooLongError) throw new FailError(err.message);
        throw err;
      }
    }
    const written = this.messageStore.insert(ctx, messageId);
    const events = this.conversations.memory.follow(ctx.conversationId, (turn) =>
      inputBlocked
        ? this.presetAnswer(ctx, messageId, written, review.inputs_config.preset_response, turn)
        : this.stream(ctx, messageId, written, prompt.messages, prompt.promptTokens, parameters, knowledge.map(citationOf), turn),
    );
    return { taskId: messageId, conversationId: ctx.conversationId, messageId, events };
  }

  /**
   * Streams the model's (or the agent's) answer to the client as it comes, masked by the output
   * review, while `progress` gathers what the stored message needs; then stores the answer and ends
   * the stream. A stop, a shutdown or an upstream error ends the relay with the status it means.
   * One generator on purpose: each layer of delegation costs every token a few more promise turns.
   */
  private async *stream(
    ctx: RunContext,
    messageId: string,
    written: Promise<boolean>,
    prompt: Parameters<ResolvedModel['llm']['chatStream']>[0]['messages'],
    countedPromptTokens: number | undefined,
    parameters: Record<string, number>,
    resources: RetrieverResource[],
    turn: TurnStored,
  ): AsyncGenerator<ChatEvent> {
    const ids = { task_id: messageId, message_id: messageId, conversation_id: ctx.conversationId };
    const review = ctx.config.review_config;
    const masker = new KeywordMasker(review.enable && review.outputs_config.enable ? review.keywords : []);
    const progress: AnswerProgress = {
      answer: '',
      firstTokenAt: 0,
      usage: undefined,
      status: MessageStatus.Normal,
      failure: undefined,
      steps: new Map(),
    };
    const controller = new AbortController();
    const onClientGone = () => controller.abort();
    ctx.clientSignal?.addEventListener('abort', onClientGone, { once: true });
    this.answers.add(messageId, { workspaceId: ctx.workspaceId, appId: ctx.appId, endUser: ctx.endUser, controller });
    const createdAt = Math.floor(Date.now() / 1000);
    const textEvent = ctx.config.tools.length > 0 ? ChatEventName.AgentMessage : ChatEventName.Message;
    let announced = false;
    try {
      for await (const event of this.upstreamEvents(ctx, prompt, parameters, controller.signal)) {
        // An agent reports each model call's tokens; the answer's usage is their sum.
        if (event.type === 'usage') progress.usage = addUsage(progress.usage, event.usage);
        if (event.type === 'step') {
          progress.steps.set(event.step.id, event.step);
          if (!announced) announced = await written.then(() => true);
          yield { event: ChatEventName.AgentThought, ...ids, ...thoughtFields(event.step, createdAt) };
          continue;
        }
        if (event.type !== 'text') continue;
        progress.firstTokenAt ||= performance.now();
        progress.answer += event.text;
        const visible = masker.push(event.text);
        if (!visible) continue;
        // The first event hands out the task id; its row must exist by then so any node can check a stop against it.
        if (!announced) announced = await written.then(() => true);
        yield { event: textEvent, id: messageId, ...ids, answer: visible, created_at: createdAt };
      }
      const rest = masker.flush();
      if (rest) {
        if (!announced) announced = await written.then(() => true);
        yield { event: textEvent, id: messageId, ...ids, answer: rest, created_at: createdAt };
      }
    } catch (err) {
      Object.assign(progress, failureOf(err, controller.signal));
    } finally {
      this.answers.remove(messageId);
      ctx.clientSignal?.removeEventListener('abort', onClientGone);
    }
    const stored = masker.mask(progress.answer);
    const usage = await this.storeAnswer(ctx, messageId, written, progress, stored, prompt, countedPromptTokens, resources);
    // Before the client hears the answer ended: its next message must find this turn remembered.
    turn((await written) ? { id: messageId, query: ctx.query, answer: stored } : undefined, progress.status);
    yield closingEvent(ids, messageId, progress, usage, resources);
    if (progress.status === MessageStatus.Normal) await enqueueFollowUps(this.queue, this.logger, ctx, stored);
  }

  /** The agent loop for an app with tools; otherwise one model call, retried until its first event. */
  private upstreamEvents(ctx: RunContext, prompt: ChatMessage[], parameters: Record<string, number>, signal: AbortSignal) {
    if (ctx.config.tools.length > 0) return agentEvents(ctx, prompt, parameters, signal, this.tools, this.settings);
    return retryBeforeFirstEvent(
      () => ctx.resolved.llm.chatStream({ model: ctx.resolved.spec.model, messages: prompt, parameters, signal }),
      { retries: this.settings.llmMaxRetries, baseDelayMs: this.settings.llmRetryBaseMs },
      signal,
    );
  }

  /** Completes the message's row: the (masked) answer, its status, usage, citations and agent steps. */
  private async storeAnswer(
    ctx: RunContext,
    messageId: string,
    written: Promise<boolean>,
    progress: AnswerProgress,
    stored: string,
    prompt: ChatMessage[],
    countedPromptTokens: number | undefined,
    resources: RetrieverResource[],
  ) {
    const usage = await this.usageOf(ctx, progress, prompt, countedPromptTokens);
    await this.messageStore.finish(messageId, written, {
      answer: stored,
      status: progress.status,
      error: progress.failure && progress.status !== MessageStatus.Stop ? progress.failure.message : '',
      usage,
      resources,
      steps: [...progress.steps.values()],
    });
    return usage;
  }

  /** Tokens, price and latency of the answer; counted here only when the upstream did not report usage. */
  private async usageOf(ctx: RunContext, progress: AnswerProgress, prompt: ChatMessage[], countedPromptTokens: number | undefined) {
    const now = performance.now();
    if (!progress.usage) await loadTokenizer();
    return usageReport(
      ctx.resolved.spec,
      progress.usage?.promptTokens ?? countedPromptTokens ?? countPromptTokens(prompt),
      progress.usage?.completionTokens ?? countTextTokens(progress.answer),
      (now - ctx.startedAt) / 1000,
      progress.firstTokenAt ? (progress.firstTokenAt - ctx.startedAt) / 1000 : 0,
    );
  }

  /** Input review hit: the preset response is the answer and the model is never called. */
  private async *presetAnswer(
    ctx: RunContext,
    messageId: string,
    written: Promise<boolean>,
    response: string,
    turn: TurnStored,
  ): AsyncGenerator<ChatEvent> {
    const ids = { task_id: messageId, message_id: messageId, conversation_id: ctx.conversationId };
    yield { event: ChatEventName.Message, id: messageId, ...ids, answer: response, created_at: Math.floor(Date.now() / 1000) };
    const usage = usageReport(ctx.resolved.spec, 0, 0, (performance.now() - ctx.startedAt) / 1000, 0);
    await this.messageStore.finish(messageId, written, { answer: response, status: MessageStatus.Normal, error: '', usage, resources: [] });
    turn((await written) ? { id: messageId, query: ctx.query, answer: response } : undefined, MessageStatus.Normal);
    yield {
      event: ChatEventName.MessageEnd,
      id: messageId,
      ...ids,
      metadata: { usage: withoutInternals(usage), retriever_resources: [], status: MessageStatus.Normal },
    };
  }

  /**
   * The app's knowledge for this query. Datasets deleted since the config was saved are skipped;
   * a semantic search over economy-only datasets falls back to words. Failing to search fails the
   * message before it streams, with the reason.
   */
  private async retrieveKnowledge(ctx: RunContext): Promise<RetrievedSegment[]> {
    if (ctx.config.datasets.length === 0) return [];
    const { retrieval_strategy, k, score } = ctx.config.retrieval_config;
    try {
      const found = await this.retrieval.retrieve(
        ctx.workspaceId,
        ctx.config.datasets,
        ctx.query,
        { strategy: retrieval_strategy, k, score },
        { lenient: true },
      );
      this.retrieval.record(ctx.workspaceId, ctx.config.datasets, ctx.query, 'app', found).catch((err: unknown) => {
        this.logger.warn({ err }, 'could not record the knowledge query');
      });
      return found;
    } catch (err) {
      if (err instanceof LlmError) throw new FailError(`knowledge retrieval failed: ${err.message}`, { kind: err.kind });
      throw err;
    }
  }
}
