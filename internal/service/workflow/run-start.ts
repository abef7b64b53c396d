import type { ChatTurn } from '../../core/workflow/llm-node.js';
import type { Graph } from '../../core/workflow/graph.js';
import { VariablePool } from '../../core/workflow/variable-pool.js';
import type { WorkflowFile } from '../../core/workflow/workflow-file.js';
import type { InvokeFrom } from '../../entity/conversation-entity.js';
import type { WorkflowTrigger } from '../../entity/workflow-entity.js';
import type { App } from '../../model/app.js';
import type { FileInput } from '../files/message-file-service.js';
import type { Uploader } from '../files/upload-file-service.js';
import type { RunnableWorkflow } from './workflow-service.js';

/* What a workflow run starts from: who asks, with which inputs, and the variables the graph reads. */

export interface StartRun {
  app: App;
  workflow: RunnableWorkflow;
  inputs: Record<string, unknown>;
  /** The service API's `user`; empty for a member's debug run. */
  endUser: string;
  accountId: string | null;
  invokeFrom: InvokeFrom;
  trigger: WorkflowTrigger;
  /** A chatflow turn: its query and conversation; the run's id is the message's. */
  chat?: ChatTurnInput | undefined;
  /** The request's `files` (`sys.files`, where the app's file_upload takes them). */
  files?: FileInput[] | undefined;
  /** Whose uploads the files may be: an end user's through this app; absent for a member's debug run. */
  uploader?: Uploader | undefined;
  /** How deep in workflows run as tools this run is: 0 unless a workflow tool started it. */
  callDepth?: number | undefined;
  /** The calling tool's cancellation (its run stopped, its deadline passed): stops this run too. */
  signal?: AbortSignal | undefined;
}

export interface ChatTurnInput {
  query: string;
  messageId: string;
  conversationId: string;
  dialogueCount: number;
  /** The conversation variables; assigners change this object, and the turn stores it. */
  variables: Record<string, unknown>;
  history: ChatTurn[];
}

/** The run's variables: `sys.*` (a chatflow's turn included), the environment, and a chatflow's conversation variables. */
export function variablePool(input: StartRun, sysFiles: WorkflowFile[], runId: string): VariablePool {
  const { app, workflow, chat } = input;
  return new VariablePool({
    sys: {
      files: sysFiles,
      user_id: input.endUser || input.accountId,
      app_id: app.id,
      workflow_id: workflow.id,
      workflow_run_id: runId,
      ...(chat ? { query: chat.query, conversation_id: chat.conversationId, dialogue_count: chat.dialogueCount } : {}),
    },
    env: workflow.environment,
    ...(chat ? { conversation: chat.variables } : {}),
  });
}

/** Variables an end node outputs straight from an LLM's text: their tokens stream as `text_chunk` (as Dify streams them). */
export function streamedSelectors(graph: Graph): Set<string> {
  const selectors = new Set<string>();
  for (const node of graph.nodes) {
    if (node.data.type !== 'end' || node.parentId) continue;
    for (const output of (node.data['outputs'] ?? []) as Array<{ value_selector?: string[] }>) {
      if (output.value_selector?.length === 2) selectors.add(output.value_selector.join('.'));
    }
  }
  return selectors;
}

/** Start variables of kinds the form check does not know (files, JSON): passed on as given. */
export function passThrough(graph: Graph, given: Record<string, unknown>): Record<string, unknown> {
  const start = graph.nodes.find((n) => n.data.type === 'start' && !n.parentId);
  const names = ((start?.data['variables'] ?? []) as Array<{ variable?: string }>).map((v) => v.variable ?? '');
  return Object.fromEntries(names.filter((name) => name in given).map((name) => [name, given[name]]));
}
