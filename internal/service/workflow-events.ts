import type { EngineEvent } from '../core/workflow/engine.js';
import type { WorkflowRunStatus } from '../entity/workflow-entity.js';

/** The stream of a workflow run, in Dify's event and field names (`/v1/workflows/run`, the console's debug run). */
export type WorkflowStreamEvent =
  | { event: 'workflow_started'; task_id: string; workflow_run_id: string; data: Record<string, unknown> }
  | { event: 'node_started'; task_id: string; workflow_run_id: string; data: Record<string, unknown> }
  | { event: 'node_finished'; task_id: string; workflow_run_id: string; data: NodeFinishedData }
  | { event: 'text_chunk'; task_id: string; workflow_run_id: string; data: { text: string; from_variable_selector: string[] } }
  | { event: 'workflow_finished'; task_id: string; workflow_run_id: string; data: RunSummary };

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
  execution_metadata: { total_tokens: number; total_price: string; currency: string } | null;
  created_at: number;
  finished_at: number;
  files: unknown[];
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
    id: executionId,
    node_id: event.node.id,
    node_type: event.node.data.type,
    title: event.node.data.title ?? '',
    index: event.index,
    predecessor_node_id: event.predecessor ?? null,
    inputs: event.inputs,
    process_data: event.processData ?? null,
    outputs: event.outputs,
    status: event.status,
    error: event.error ?? null,
    elapsed_time: event.elapsedMs / 1000,
    execution_metadata: event.usage
      ? { total_tokens: event.usage.totalTokens, total_price: event.usage.totalPrice.toFixed(7), currency: event.usage.currency }
      : null,
    created_at: seconds(startedAt),
    finished_at: seconds(finishedAt),
    files: [],
  };
}

export function nodeStartedData(event: Extract<EngineEvent, { type: 'node_started' }>, executionId: string, startedAt: number) {
  return {
    id: executionId,
    node_id: event.node.id,
    node_type: event.node.data.type,
    title: event.node.data.title ?? '',
    index: event.index,
    predecessor_node_id: event.predecessor ?? null,
    inputs: null,
    created_at: seconds(startedAt),
    extras: {},
    iteration_id: null,
    loop_id: null,
  };
}
