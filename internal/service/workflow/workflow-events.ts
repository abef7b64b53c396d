import { randomUUID } from 'node:crypto';
import { filesOfOutputs } from '../../core/workflow/workflow-file.js';
import { TOKEN_STREAMING_TYPES, type AnswerStream } from '../../core/workflow/answer-stream.js';
import { asText, type VariablePool } from '../../core/workflow/variable-pool.js';
import type { EngineEvent, InContainer } from '../../core/workflow/engine.js';
import type { WorkflowRunStatus } from '../../entity/workflow-entity.js';

/** The stream of a workflow run, in Dify's event and field names (`/v1/workflows/run`, the console's debug run). */
export type WorkflowStreamEvent =
  | { event: 'workflow_started'; task_id: string; workflow_run_id: string; data: Record<string, unknown> }
  | { event: 'node_started'; task_id: string; workflow_run_id: string; data: Record<string, unknown> }
  | { event: 'node_finished'; task_id: string; workflow_run_id: string; data: NodeFinishedData }
  | { event: 'text_chunk'; task_id: string; workflow_run_id: string; data: { text: string; from_variable_selector: string[] } }
  | { event: 'workflow_finished'; task_id: string; workflow_run_id: string; data: RunSummary }
  | { event: ContainerEventName; task_id: string; workflow_run_id: string; data: Record<string, unknown> }
  | ChatflowMessageEvent;

/** A chatflow's reply as it forms, in Dify's chat `message` event. */
export interface ChatflowMessageEvent {
  event: 'message';
  task_id: string;
  workflow_run_id: string;
  id: string;
  message_id: string;
  conversation_id: string;
  answer: string;
  created_at: number;
}

/** A chatflow turn's reply: its message, and which answer nodes' text goes into it. */
export interface ChatReply {
  messageId: string;
  conversationId: string;
  answers: AnswerStream;
}

type ContainerEventName = `${'iteration' | 'loop'}_${'started' | 'next' | 'completed'}`;

export interface NodeFinishedData {
  id: string;
  node_id: string;
  node_type: string;
  title: string;
  index: number;
  predecessor_node_id: string | null;
  inputs: Record<string, unknown>;
  process_data: Record<string, unknown> | null;
  outputs: Record<string, unknown>;
  status: string;
  error: string | null;
  elapsed_time: number;
  execution_metadata: {
    total_tokens?: number;
    total_price?: string;
    currency?: string;
    iteration_id?: string;
    iteration_index?: number;
    loop_id?: string;
    loop_index?: number;
  } | null;
  created_at: number;
  finished_at: number;
  files: unknown[];
  iteration_id: string | null;
  loop_id: string | null;
}

export interface RunSummary {
  id: string;
  workflow_id: string;
  status: WorkflowRunStatus;
  outputs: Record<string, unknown>;
  error: string | null;
  elapsed_time: number;
  total_tokens: number;
  total_steps: number;
  exceptions_count: number;
  created_by: Record<string, unknown>;
  created_at: number;
  finished_at: number;
  files: unknown[];
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** A finished node as its event and its history row carry it. */
export function nodeFinishedData(
  event: Extract<EngineEvent, { type: 'node_finished' }>,
  executionId: string,
  startedAt: number,
): NodeFinishedData {
  const finishedAt = startedAt + event.elapsedMs;
  return {
    ...nodeIdentity(event, executionId),
    inputs: event.inputs,
    process_data: event.processData ?? null,
    outputs: event.outputs,
    status: event.status,
    error: event.error ?? null,
    elapsed_time: event.elapsedMs / 1000,
    execution_metadata:
      event.usage || event.container
        ? {
            ...(event.usage
              ? { total_tokens: event.usage.totalTokens, total_price: event.usage.totalPrice.toFixed(7), currency: event.usage.currency }
              : {}),
            ...roundOf(event.container),
          }
        : null,
    created_at: seconds(startedAt),
    finished_at: seconds(finishedAt),
    files: filesOfOutputs(event.outputs),
    ...containerIds(event.container),
  };
}

/** Which node run an event is about, as Dify names it in node_started and node_finished. */
function nodeIdentity(event: Extract<EngineEvent, { type: 'node_started' | 'node_finished' }>, executionId: string) {
  return {
    id: executionId,
    node_id: event.node.id,
    node_type: event.node.data.type,
    title: event.node.data.title ?? '',
    index: event.index,
    predecessor_node_id: event.predecessor ?? null,
  };
}

/** Dify's execution_metadata of a node inside a container: which one, and which round. */
function roundOf(container: InContainer | undefined) {
  if (!container) return {};
  return container.type === 'iteration'
    ? { iteration_id: container.id, iteration_index: container.round }
    : { loop_id: container.id, loop_index: container.round };
}

/** Dify's fields naming the iteration or loop a node ran in. */
function containerIds(container: InContainer | undefined) {
  return {
    iteration_id: container?.type === 'iteration' ? container.id : null,
    loop_id: container?.type === 'loop' ? container.id : null,
  };
}

export function nodeStartedData(event: Extract<EngineEvent, { type: 'node_started' }>, executionId: string, startedAt: number) {
  return {
    ...nodeIdentity(event, executionId),
    inputs: null,
    created_at: seconds(startedAt),
    extras: {},
    ...containerIds(event.container),
  };
}

/** A finished node as its history row keeps it. */
export interface FinishedNode {
  data: NodeFinishedData;
  startedAt: number;
  retries: number;
  price: number;
}

/**
 * One run's engine events as Dify's stream events: node execution ids, iteration and loop events
 * around their rounds, LLM tokens only where an end node outputs them, and the run's totals.
 */
export class RunEventTranslator {
  totalTokens = 0;
  totalPrice = 0;
  promptTokens = 0;
  completionTokens = 0;
  exceptions = 0;
  /** A chatflow's reply so far. */
  answer = '';
  private readonly started = new Map<string, { id: string; at: number }>();
  private readonly containers = new Map<string, { id: string; at: number }>();

  constructor(
    private readonly ids: { task_id: string; workflow_run_id: string },
    /** `node.variable` of LLM texts an end node outputs: their tokens stream as text_chunk. */
    private readonly streamed: ReadonlySet<string>,
    private readonly reply?: ChatReply,
  ) {}

  /** The run's pool, for the variables an answer shows ahead of an LLM's tokens. */
  readFrom(pool: VariablePool): void {
    this.reply?.answers.readFrom((selector) => asText(pool.get(selector)));
  }

  private message(text: string): WorkflowStreamEvent[] {
    if (!text || !this.reply) return [];
    this.answer += text;
    const { messageId, conversationId } = this.reply;
    return [
      {
        event: 'message',
        ...this.ids,
        id: messageId,
        message_id: messageId,
        conversation_id: conversationId,
        answer: text,
        created_at: seconds(Date.now()),
      },
    ];
  }

  translate(event: Exclude<EngineEvent, { type: 'run_finished' }>): { out: WorkflowStreamEvent[]; finished?: FinishedNode } {
    const ids = this.ids;
    switch (event.type) {
      case 'node_started': {
        const execution = { id: randomUUID(), at: Date.now() };
        this.started.set(`${event.node.id}#${event.index}`, execution);
        if (CONTAINER_TYPES.has(event.node.data.type)) this.containers.set(event.node.id, execution);
        return { out: [{ event: 'node_started', ...ids, data: nodeStartedData(event, execution.id, execution.at) }] };
      }
      case 'node_finished': {
        const execution = this.started.get(`${event.node.id}#${event.index}`)!;
        const data = nodeFinishedData(event, execution.id, execution.at);
        this.totalTokens += event.usage?.totalTokens ?? 0;
        this.totalPrice += event.usage?.totalPrice ?? 0;
        const usage = event.outputs['usage'] as { prompt_tokens?: number; completion_tokens?: number } | undefined;
        if (event.usage && usage) {
          this.promptTokens += usage.prompt_tokens ?? 0;
          this.completionTokens += usage.completion_tokens ?? 0;
        }
        if (event.status === 'exception') this.exceptions += 1;
        const type = event.node.data.type;
        const out: WorkflowStreamEvent[] =
          type === 'answer' && this.reply && !event.container && event.status === 'succeeded'
            ? this.message(this.reply.answers.finish(event.node.id, String(event.outputs['answer'] ?? '')))
            : [];
        if (type === 'iteration' || type === 'loop') {
          out.push({ event: `${type}_completed`, ...ids, data: { ...data, steps: this.rounds.get(event.node.id) ?? 0 } });
        }
        out.push({ event: 'node_finished', ...ids, data });
        return { out, finished: { data, startedAt: execution.at, retries: event.retries, price: event.usage?.totalPrice ?? 0 } };
      }
      case 'text_chunk':
        if (this.reply) {
          return {
            out:
              event.container || !TOKEN_STREAMING_TYPES.has(event.node.data.type)
                ? []
                : this.message(this.reply.answers.chunk(event.node.id, event.text)),
          };
        }
        if (event.container || (event.node.data.type !== 'answer' && !this.streamed.has(event.from.join('.')))) return { out: [] };
        return { out: [{ event: 'text_chunk', ...ids, data: { text: event.text, from_variable_selector: [...event.from] } }] };
      case 'container_started':
      case 'container_next': {
        const type = event.node.data.type as 'iteration' | 'loop';
        const execution = this.containers.get(event.node.id);
        const base = {
          id: execution?.id ?? '',
          node_id: event.node.id,
          node_type: type,
          title: event.node.data.title ?? '',
          created_at: seconds(Date.now()),
          extras: {},
        };
        if (event.type === 'container_started') {
          return { out: [{ event: `${type}_started`, ...ids, data: { ...base, inputs: event.inputs, metadata: {} } }] };
        }
        this.rounds.set(event.node.id, Math.max(this.rounds.get(event.node.id) ?? 0, event.round + 1));
        return { out: [{ event: `${type}_next`, ...ids, data: { ...base, index: event.round, pre_iteration_output: null } }] };
      }
    }
  }

  private readonly rounds = new Map<string, number>();
}

const CONTAINER_TYPES = new Set(['iteration', 'loop']);
