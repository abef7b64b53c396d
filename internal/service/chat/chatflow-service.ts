import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { ChatTurn } from '../../core/workflow/llm-node.js';
import { InvokeFrom, MessageStatus } from '../../entity/conversation-entity.js';
import type { WorkflowRunStatus, WorkflowTrigger } from '../../entity/workflow-entity.js';
import type { Db } from '../../extension/database.js';
import { DifyApiError } from '../../exception/app-error.js';
import type { App } from '../../model/app.js';
import { conversations, messages, type Conversation } from '../../model/conversation.js';
import type { WorkflowStreamEvent } from '../workflow/workflow-events.js';
import type { WorkflowRunService } from '../workflow/workflow-run-service.js';
import type { RunnableWorkflow } from '../workflow/workflow-service.js';
import { providerName } from '../../core/dsl/chat-dsl.js';
import { JobName } from '../../entity/job-entity.js';
import type { Logger } from '../../extension/logger.js';
import type { Queue } from '../../extension/queue/queue.js';
import type { NamingJob } from './chat-types.js';
import type { FileInput } from '../files/message-file-service.js';
import type { Uploader } from '../files/upload-file-service.js';

/** Earlier turns an LLM node's memory may read, at most. */
const HISTORY_TURNS = 100;

export interface ChatflowInput {
  app: App;
  workflow: RunnableWorkflow;
  query: string;
  inputs: Record<string, unknown>;
  conversationId?: string | undefined;
  /** The service API's `user`; empty for a member's debug chat. */
  endUser: string;
  accountId: string | null;
  invokeFrom: InvokeFrom;
  trigger: WorkflowTrigger;
  files?: FileInput[] | undefined;
  uploader?: Uploader | undefined;
  /** Dify's auto_generate_name: a new conversation gets a title from its first exchange (default on). */
  autoGenerateName?: boolean | undefined;
}

export interface ChatflowUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  total_price: string;
  currency: string;
  latency: number;
}

export type ChatflowEvent =
  | WorkflowStreamEvent
  | {
      event: 'message_end';
      task_id: string;
      id: string;
      message_id: string;
      conversation_id: string;
      metadata: { usage: ChatflowUsage; retriever_resources: unknown[] };
    }
  | { event: 'error'; task_id: string; message_id: string; conversation_id: string; status: number; code: string; message: string };

export interface ChatflowTurn {
  taskId: string;
  messageId: string;
  conversationId: string;
  events: AsyncGenerator<ChatflowEvent>;
}

const MESSAGE_STATUS: Record<WorkflowRunStatus, MessageStatus> = {
  running: MessageStatus.Running,
  succeeded: MessageStatus.Normal,
  'partial-succeeded': MessageStatus.Normal,
  stopped: MessageStatus.Stop,
  failed: MessageStatus.Error,
};

/**
 * Chatflows: each message of a conversation runs the graph once, with the query, the conversation's
 * variables and its earlier turns; the answer nodes' text is the reply, stored as a message like a
 * chat app's (so conversations, messages and stop work through the same routes), the run beside it.
 */
export class ChatflowService {
  constructor(
    private readonly db: Db,
    private readonly runs: WorkflowRunService,
    private readonly queue: Queue,
    private readonly logger: Logger,
  ) {}

  async start(input: ChatflowInput): Promise<ChatflowTurn> {
    const { app, workflow } = input;
    const conversation = input.conversationId ? await this.conversation(input, input.conversationId) : undefined;
    const history = conversation ? await this.history(conversation.id) : { turns: [], count: 0 };
    const variables: Record<string, unknown> = {
      ...Object.fromEntries(workflow.spec.conversation_variables.map((v) => [v.name, v.value])),
      ...conversation?.variables,
    };
    const messageId = randomUUID();
    const conversationId = conversation?.id ?? randomUUID();
    // As in Dify, a conversation keeps the inputs it started with.
    const run = await this.runs.start({
      app,
      workflow,
      inputs: conversation ? conversation.inputs : input.inputs,
      endUser: input.endUser,
      accountId: input.accountId,
      invokeFrom: input.invokeFrom,
      trigger: input.trigger,
      files: input.files,
      uploader: input.uploader,
      chat: { query: input.query, messageId, conversationId, dialogueCount: history.count + 1, variables, history: history.turns },
    });
    await this.db.transaction(async (tx) => {
      if (!conversation) {
        await tx.insert(conversations).values({
          id: conversationId,
          appId: app.id,
          workspaceId: app.workspaceId,
          fromAccountId: input.invokeFrom === InvokeFrom.Debugger ? input.accountId : null,
          invokeFrom: input.invokeFrom,
          endUser: input.endUser,
          inputs: input.inputs as Record<string, string | number>,
          variables,
        });
      }
      await tx.insert(messages).values({
        id: messageId,
        conversationId,
        appId: app.id,
        workspaceId: app.workspaceId,
        invokeFrom: input.invokeFrom,
        query: input.query,
        status: MessageStatus.Running,
        endUser: input.endUser,
        inputs: conversation ? conversation.inputs : input.inputs,
        workflowRunId: messageId,
      });
    });
    const naming = !conversation && input.autoGenerateName !== false ? namingModel(workflow) : undefined;
    const name = naming && { ...naming, conversationId, workspaceId: app.workspaceId, query: input.query };
    return { taskId: messageId, messageId, conversationId, events: this.turn(run, messageId, conversationId, variables, name) };
  }

  private async *turn(
    run: Awaited<ReturnType<WorkflowRunService['start']>>,
    messageId: string,
    conversationId: string,
    variables: Record<string, unknown>,
    naming: Omit<NamingJob, 'answer'> | undefined,
  ): AsyncGenerator<ChatflowEvent> {
    const began = Date.now();
    const ids = { task_id: messageId, message_id: messageId, conversation_id: conversationId };
    for await (const event of run.events) {
      if (event.event !== 'workflow_finished') {
        yield event;
        continue;
      }
      const totals = run.totals;
      const { status, error } = event.data;
      const usage: ChatflowUsage = {
        prompt_tokens: totals.promptTokens,
        completion_tokens: totals.completionTokens,
        total_tokens: totals.totalTokens,
        total_price: totals.totalPrice.toFixed(7),
        currency: 'USD',
        latency: (Date.now() - began) / 1000,
      };
      await this.db
        .update(messages)
        .set({
          answer: totals.answer,
          status: MESSAGE_STATUS[status],
          error: error ?? '',
          messageTokens: usage.prompt_tokens,
          answerTokens: usage.completion_tokens,
          totalTokens: usage.total_tokens,
          totalPrice: totals.totalPrice,
          latency: usage.latency,
          updatedAt: new Date(),
        })
        .where(eq(messages.id, messageId));
      await this.db.update(conversations).set({ variables, updatedAt: new Date() }).where(eq(conversations.id, conversationId));
      yield event;
      if (status === 'failed') {
        yield { event: 'error', ...ids, status: 400, code: 'completion_request_error', message: `Run failed: ${error ?? 'unknown error'}` };
      } else {
        if (naming && status === 'succeeded') await this.nameLater({ ...naming, answer: totals.answer });
        yield { event: 'message_end', ...ids, id: messageId, metadata: { usage, retriever_resources: [] } };
      }
    }
  }

  /** The title is a background job; a missed one leaves the default name, never fails the answer. */
  private async nameLater(job: NamingJob): Promise<void> {
    try {
      await this.queue.enqueue(JobName.ConversationName, job);
    } catch (err) {
      this.logger.warn({ err, conversationId: job.conversationId }, 'could not enqueue the conversation name');
    }
  }

  /** The caller's own conversation of this app: an end user's, or the member's debug conversation. */
  private async conversation(input: ChatflowInput, id: string): Promise<Conversation> {
    const [found] = await this.db
      .select()
      .from(conversations)
      .where(
        and(
          eq(conversations.id, id),
          eq(conversations.appId, input.app.id),
          eq(conversations.invokeFrom, input.invokeFrom),
          eq(conversations.isDeleted, false),
          input.invokeFrom === InvokeFrom.Debugger
            ? eq(conversations.fromAccountId, input.accountId ?? '')
            : eq(conversations.endUser, input.endUser),
        ),
      )
      .limit(1);
    if (!found) throw new DifyApiError(404, 'not_found', 'Conversation Not Exists.');
    return found;
  }

  /** The conversation's answered turns, oldest first, and how many messages it has. */
  private async history(conversationId: string): Promise<{ turns: ChatTurn[]; count: number }> {
    const rows = await this.db
      .select({ query: messages.query, answer: messages.answer, total: sql<number>`count(*) over ()`.mapWith(Number) })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, conversationId),
          eq(messages.isDeleted, false),
          inArray(messages.status, [MessageStatus.Normal, MessageStatus.Stop]),
        ),
      )
      .orderBy(desc(messages.createdAt))
      .limit(HISTORY_TURNS);
    return { turns: rows.reverse().map((r) => ({ query: r.query, answer: r.answer })), count: rows[0]?.total ?? 0 };
  }
}

/** The model that names a chatflow's conversations: the graph's first model node's (a graph with none keeps the default name). */
function namingModel(workflow: RunnableWorkflow): { provider: string; model: string } | undefined {
  for (const node of workflow.graph.nodes) {
    const model = node.data['model'] as { provider?: unknown; name?: unknown } | undefined;
    if (!['llm', 'question-classifier', 'parameter-extractor'].includes(node.data.type) || !model) continue;
    if (typeof model.provider === 'string' && typeof model.name === 'string' && model.name) {
      return { provider: providerName(model.provider), model: model.name };
    }
  }
  return undefined;
}
