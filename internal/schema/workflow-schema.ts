import { z } from 'zod';
import { WorkflowRunStatus, type WorkflowSpec } from '../entity/workflow-entity.js';
import { unixSeconds } from '../lib/time.js';
import type { Workflow, WorkflowNodeExecution, WorkflowRun } from '../model/workflow.js';
import { envelope, filesField, inputsField, pageOf, unixTime } from './common-schema.js';
import { user } from './service-api-schema.js';

/** Workflow and chatflow graphs, their runs, and Dify's workflow service API, field for field. */

const MAX_NODES = 500;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,29}$/;

const environmentVariable = z.object({
  id: z.string().max(64).optional(),
  name: z.string().regex(VARIABLE_NAME, 'must be a letter or _, then letters, digits or _ (at most 30)'),
  value_type: z.enum(['string', 'number', 'secret']),
  value: z.union([z.string().max(100_000), z.number()]),
  description: z.string().max(1000).optional(),
});
const conversationVariable = z.object({
  id: z.string().max(64).optional(),
  name: z.string().regex(VARIABLE_NAME, 'must be a letter or _, then letters, digits or _ (at most 30)'),
  value_type: z.string().max(30),
  value: z.unknown(),
  description: z.string().max(1000).optional(),
});
const uniqueNames = (list: Array<{ name: string }>) => new Set(list.map((v) => v.name)).size === list.length;

export const workflowSpecFields = {
  graph: z.looseObject({
    nodes: z.array(z.looseObject({})).max(MAX_NODES, `at most ${MAX_NODES} nodes`),
    edges: z.array(z.looseObject({})).max(MAX_NODES * 4),
    viewport: z.unknown().optional(),
  }),
  features: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((v) => v ?? {}),
  environment_variables: z
    .array(environmentVariable)
    .max(100)
    .nullish()
    .transform((v) => v ?? [])
    .refine(uniqueNames, 'names must differ'),
  conversation_variables: z
    .array(conversationVariable)
    .max(100)
    .nullish()
    .transform((v) => v ?? [])
    .refine(uniqueNames, 'names must differ'),
};

export const saveDraftBody = z.object({
  ...workflowSpecFields,
  hash: z.string().max(64).optional().describe('the hash of the draft this edit started from; a newer save answers 409'),
});

export const workflowItem = z.object({
  id: z.uuid(),
  version: z.string().describe('draft, or the published version number'),
  graph: z.looseObject({ nodes: z.array(z.unknown()), edges: z.array(z.unknown()) }),
  features: z.record(z.string(), z.unknown()),
  environment_variables: z.array(environmentVariable),
  conversation_variables: z.array(conversationVariable),
  hash: z.string(),
  created_at: unixTime,
  updated_at: unixTime,
});
export const workflowResponse = envelope(workflowItem);
export const saveDraftResponse = envelope(z.object({ result: z.literal('success'), hash: z.string(), updated_at: unixTime }));

export function workflowView(workflow: Workflow, visible: WorkflowSpec): z.infer<typeof workflowItem> {
  return {
    id: workflow.id,
    version: workflow.version === 0 ? 'draft' : String(workflow.version),
    graph: visible.graph,
    features: visible.features,
    environment_variables: visible.environment_variables,
    conversation_variables: visible.conversation_variables,
    hash: workflow.hash,
    created_at: unixSeconds(workflow.createdAt),
    updated_at: unixSeconds(workflow.updatedAt),
  };
}

export const draftRunBody = z.object({
  inputs: inputsField,
  query: z.string().trim().min(1).max(20_000).optional().describe("a chatflow's message (required there)"),
  conversation_id: z.uuid('must be a UUID').optional().describe('a chatflow: continue this debug conversation'),
  files: filesField,
});
export const nodeParams = z.object({ app_id: z.uuid('must be a UUID'), node_id: z.string().min(1).max(255) });
export const nodeRunBody = z.object({
  inputs: z
    .record(z.string().max(300), z.unknown())
    .describe('the values the node reads, keyed `#node_id.variable#` (or `node_id.variable`)'),
});
export const nodeRunResponse = envelope(
  z.object({
    node_id: z.string(),
    node_type: z.string(),
    title: z.string(),
    status: z.enum(['succeeded', 'failed']),
    inputs: z.record(z.string(), z.unknown()),
    process_data: z.record(z.string(), z.unknown()).nullable(),
    outputs: z.record(z.string(), z.unknown()),
    error: z.string().nullable(),
    elapsed_time: z.number(),
    execution_metadata: z.object({ total_tokens: z.number().int(), total_price: z.string(), currency: z.string() }).nullable(),
  }),
);
export const runIdParams = z.object({ app_id: z.uuid('must be a UUID'), run_id: z.uuid('must be a UUID') });
export const appTaskParams = z.object({ app_id: z.uuid('must be a UUID'), task_id: z.uuid('must be a UUID') });

const runStatus = z.enum(Object.values(WorkflowRunStatus));
const runFields = {
  id: z.uuid(),
  workflow_id: z.uuid(),
  version: z.string(),
  status: runStatus,
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  elapsed_time: z.number(),
  total_tokens: z.number().int(),
  total_price: z.string(),
  total_steps: z.number().int(),
  exceptions_count: z.number().int(),
  triggered_from: z.string(),
  created_at: unixTime,
  finished_at: unixTime.nullable(),
};
export const runItem = z.object(runFields);
const nodeExecutionItem = z.object({
  id: z.uuid(),
  index: z.number().int(),
  node_id: z.string(),
  node_type: z.string(),
  title: z.string(),
  predecessor_node_id: z.string().nullable(),
  status: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  process_data: z.record(z.string(), z.unknown()).nullable(),
  outputs: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  elapsed_time: z.number(),
  execution_metadata: z.object({
    total_tokens: z.number().int(),
    total_price: z.string(),
    retries: z.number().int(),
    iteration_id: z.string().optional().describe('the iteration this node ran in'),
    iteration_index: z.number().int().optional(),
    loop_id: z.string().optional().describe('the loop this node ran in'),
    loop_index: z.number().int().optional(),
  }),
  created_at: unixTime,
  finished_at: unixTime,
});
export const runPageResponse = pageOf(runItem);
export const runDetailResponse = envelope(runItem.extend({ node_executions: z.array(nodeExecutionItem) }));

export function runView(run: WorkflowRun): z.infer<typeof runItem> {
  return {
    id: run.id,
    workflow_id: run.workflowId,
    version: run.version === 0 ? 'draft' : String(run.version),
    status: run.status,
    inputs: run.inputs,
    outputs: run.outputs,
    error: run.error || null,
    elapsed_time: run.elapsedTime,
    total_tokens: run.totalTokens,
    total_price: run.totalPrice.toFixed(7),
    total_steps: run.totalSteps,
    exceptions_count: run.exceptionsCount,
    triggered_from: run.triggeredFrom,
    created_at: unixSeconds(run.createdAt),
    finished_at: run.finishedAt ? unixSeconds(run.finishedAt) : null,
  };
}

export function nodeExecutionView(n: WorkflowNodeExecution): z.infer<typeof nodeExecutionItem> {
  return {
    id: n.id,
    index: n.index,
    node_id: n.nodeId,
    node_type: n.nodeType,
    title: n.title,
    predecessor_node_id: n.predecessorNodeId,
    status: n.status,
    inputs: n.inputs,
    process_data: n.processData,
    outputs: n.outputs,
    error: n.error || null,
    elapsed_time: n.elapsedTime,
    execution_metadata: {
      total_tokens: n.totalTokens,
      total_price: n.totalPrice.toFixed(7),
      retries: n.retries,
      ...(n.iterationId ? { iteration_id: n.iterationId, iteration_index: n.containerRound ?? 0 } : {}),
      ...(n.loopId ? { loop_id: n.loopId, loop_index: n.containerRound ?? 0 } : {}),
    },
    created_at: unixSeconds(n.createdAt),
    finished_at: unixSeconds(n.finishedAt),
  };
}

// Dify's service API.

export const workflowRunBody = z.object({
  inputs: inputsField,
  response_mode: z
    .enum(['blocking', 'streaming'])
    .nullish()
    .transform((v) => v ?? 'blocking'),
  user,
  files: filesField,
});

const runSummary = z.object({
  id: z.uuid(),
  workflow_id: z.uuid(),
  status: runStatus,
  outputs: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  elapsed_time: z.number(),
  total_tokens: z.number().int(),
  total_steps: z.number().int(),
  exceptions_count: z.number().int(),
  created_by: z.record(z.string(), z.unknown()),
  created_at: z.number().int(),
  finished_at: z.number().int(),
  files: z.array(z.unknown()),
});
export const workflowBlockingResponse = z.object({ task_id: z.uuid(), workflow_run_id: z.uuid(), data: runSummary });
export const workflowRunResponse = workflowBlockingResponse.or(z.string().describe('text/event-stream when response_mode is streaming'));

export const serviceRunParams = z.object({ workflow_run_id: z.uuid('workflow_run_id must be a UUID') });
export const serviceRunItem = z.object({
  id: z.uuid(),
  workflow_id: z.uuid(),
  status: runStatus,
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  total_steps: z.number().int(),
  total_tokens: z.number().int(),
  created_at: z.number().int(),
  finished_at: z.number().int().nullable(),
  elapsed_time: z.number(),
});

export function serviceRunView(run: WorkflowRun): z.infer<typeof serviceRunItem> {
  return {
    id: run.id,
    workflow_id: run.workflowId,
    status: run.status,
    inputs: run.inputs,
    outputs: run.outputs,
    error: run.error || null,
    total_steps: run.totalSteps,
    total_tokens: run.totalTokens,
    created_at: unixSeconds(run.createdAt),
    finished_at: run.finishedAt ? unixSeconds(run.finishedAt) : null,
    elapsed_time: run.elapsedTime,
  };
}

export const workflowLogsQuery = z.object({
  keyword: z.string().trim().max(100).optional(),
  status: z.enum(['succeeded', 'failed', 'stopped', 'partial-succeeded', 'running']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const logItem = z.object({
  id: z.uuid(),
  workflow_run: z.object({
    id: z.uuid(),
    version: z.string(),
    status: runStatus,
    error: z.string().nullable(),
    elapsed_time: z.number(),
    total_tokens: z.number().int(),
    total_steps: z.number().int(),
    exceptions_count: z.number().int(),
    created_at: z.number().int(),
    finished_at: z.number().int().nullable(),
  }),
  created_from: z.string(),
  created_by_role: z.literal('end_user'),
  created_by_account: z.null(),
  created_by_end_user: z.object({ id: z.string(), type: z.string(), is_anonymous: z.boolean(), session_id: z.string() }),
  created_at: z.number().int(),
});
export const workflowLogsResponse = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  has_more: z.boolean(),
  data: z.array(logItem),
});

export function logView(run: WorkflowRun): z.infer<typeof logItem> {
  const from = run.invokeFrom === 'web_app' ? 'web-app' : 'service-api';
  return {
    id: run.id,
    workflow_run: {
      id: run.id,
      version: String(run.version),
      status: run.status,
      error: run.error || null,
      elapsed_time: run.elapsedTime,
      total_tokens: run.totalTokens,
      total_steps: run.totalSteps,
      exceptions_count: run.exceptionsCount,
      created_at: unixSeconds(run.createdAt),
      finished_at: run.finishedAt ? unixSeconds(run.finishedAt) : null,
    },
    created_from: from,
    created_by_role: 'end_user',
    created_by_account: null,
    created_by_end_user: { id: run.endUser, type: run.invokeFrom, is_anonymous: false, session_id: run.endUser },
    created_at: unixSeconds(run.createdAt),
  };
}
