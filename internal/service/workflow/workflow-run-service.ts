import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { InputValueError, resolveInputs } from '../../core/prompts/input-variables.js';
import { runGraph, type EngineEvent, type RunStatus } from '../../core/workflow/engine.js';
import { nodeExecutors } from '../../core/workflow/node-executors.js';
import { startForm } from '../../core/workflow/start-form.js';
import { AnswerStream } from '../../core/workflow/answer-stream.js';
import { oversizedVariable, VariablePool } from '../../core/workflow/variable-pool.js';
import { InvokeFrom } from '../../entity/conversation-entity.js';
import { WORKFLOW_INTERRUPTED_ERROR, WorkflowRunStatus, WorkflowTrigger } from '../../entity/workflow-entity.js';
import type { Db } from '../../extension/database.js';
import type { StopSignal } from '../../extension/stop-signal.js';
import { NotFoundError, DifyApiError, ValidationError } from '../../exception/app-error.js';
import { containsPattern } from '../../lib/pg-error.js';
import type { App } from '../../model/app.js';
import { workflowNodeExecutions, workflowRuns, type WorkflowNodeExecution, type WorkflowRun } from '../../model/workflow.js';
import { pageOffset, type PageRequest } from '../../../pkg/paginator/paginator.js';
import { RunningAnswers, SERVER_SHUTDOWN } from '../chat/running-answers.js';
import { RunEventTranslator, type RunSummary, type WorkflowStreamEvent } from './workflow-events.js';
import { NodeRows } from './workflow-node-rows.js';
import type { RunnableWorkflow } from './workflow-service.js';
import { nodeServicesFor, type WorkflowReach } from './workflow-node-services.js';
import type { ToolCaller } from '../tools/workflow-tool-service.js';
import { filesIn, filesOfOutputs, type WorkflowFile } from '../../core/workflow/workflow-file.js';
import { isUuid } from '../../lib/uuid.js';
export type { WorkflowReach } from './workflow-node-services.js';
export type { ChatTurnInput, StartRun } from './run-start.js';
import { passThrough, streamedSelectors, variablePool, type StartRun } from './run-start.js';

export interface WorkflowSettings {
  workflowMaxSteps: number;
  workflowTimeoutSeconds: number;
  workflowMaxVariableBytes: number;
  outboundTimeoutMs: number;
  toolTimeoutMs: number;
}

export interface WorkflowRunHandle {
  /** The reply and totals so far (a chatflow stores them with its message). */
  totals: RunEventTranslator;
  taskId: string;
  runId: string;
  events: AsyncGenerator<WorkflowStreamEvent>;
}

const unix = (ms: number) => Math.floor(ms / 1000);
/** Who a single-step run's tools run for: the member in the editor. */
const EDITOR: ToolCaller = { depth: 0, endUser: '', accountId: null, invokeFrom: InvokeFrom.Debugger };

/**
 * Runs graphs and keeps their history: a run row written before the first event (so a stop or a
 * lookup finds it on any node), one row per finished node, and the run's outcome at the end. The
 * task id is the run id; a stop reaches the run on whichever node it runs.
 */
export class WorkflowRunService {
  private readonly running: RunningAnswers;
  private readonly nodeRows: NodeRows;

  constructor(
    private readonly db: Db,
    stopSignal: StopSignal,
    private readonly reach: WorkflowReach,
    private readonly settings: WorkflowSettings,
  ) {
    this.running = new RunningAnswers(db, stopSignal);
    this.nodeRows = new NodeRows(db);
  }

  listenForStops(): Promise<void> {
    return this.running.listen();
  }

  /** Shutdown past its timeout: runs here end as interrupted. */
  interruptAll(): void {
    this.running.interruptAll();
  }

  /** Checks the inputs against the start node's form (a misfit is thrown before any event) and starts the run. */
  async start(input: StartRun): Promise<WorkflowRunHandle> {
    const { app, workflow } = input;
    const files = await this.reach.files.resolve(
      app.workspaceId,
      input.uploader,
      workflow.graph,
      workflow.spec.features,
      input.inputs,
      input.files ?? [],
    );
    let inputs: Record<string, unknown>;
    try {
      inputs = { ...passThrough(workflow.graph, files.inputs), ...resolveInputs(startForm(workflow.graph), input.inputs) };
    } catch (err) {
      if (err instanceof InputValueError) throw new ValidationError(err.message);
      throw err;
    }
    const runId = input.chat?.messageId ?? randomUUID();
    const createdAt = Date.now();
    await this.db.insert(workflowRuns).values({
      id: runId,
      workspaceId: app.workspaceId,
      appId: app.id,
      workflowId: workflow.id,
      version: workflow.version,
      triggeredFrom: input.trigger,
      invokeFrom: input.invokeFrom,
      endUser: input.endUser,
      createdBy: input.accountId,
      status: WorkflowRunStatus.Running,
      inputs,
      createdAt: new Date(createdAt),
    });
    this.warmSandboxes(workflow);
    const controller = new AbortController();
    input.signal?.addEventListener('abort', () => controller.abort(input.signal!.reason), { once: true });
    this.running.add(runId, { workspaceId: app.workspaceId, appId: app.id, endUser: input.endUser, controller });
    const ids = { task_id: runId, workflow_run_id: runId };
    const reply = input.chat && {
      messageId: input.chat.messageId,
      conversationId: input.chat.conversationId,
      answers: new AnswerStream(workflow.graph),
    };
    const translator = new RunEventTranslator(ids, streamedSelectors(workflow.graph), reply);
    const events = this.events({ ...input, inputs }, files.sysFiles, runId, createdAt, controller, translator);
    return { taskId: runId, runId, events, totals: translator };
  }

  /** The run's events: started, each node's as the engine reports them, then its outcome, stored before it is told. */
  private async *events(
    input: StartRun,
    sysFiles: WorkflowFile[],
    runId: string,
    createdAt: number,
    controller: AbortController,
    translator: RunEventTranslator,
  ): AsyncGenerator<WorkflowStreamEvent> {
    const { workflow } = input;
    const ids = { task_id: runId, workflow_run_id: runId };
    const pool = variablePool(input, sysFiles, runId);
    translator.readFrom(pool);
    const executors = nodeExecutors(input.inputs, this.nodeServices(input, sysFiles));
    const writes: Array<Promise<unknown>> = [];
    yield {
      event: 'workflow_started',
      ...ids,
      data: { id: runId, workflow_id: workflow.id, inputs: input.inputs, created_at: unix(createdAt) },
    };
    try {
      const run = runGraph(workflow.graph, pool, {
        executors,
        maxSteps: this.settings.workflowMaxSteps,
        timeoutMs: this.settings.workflowTimeoutSeconds * 1000,
        maxVariableBytes: this.settings.workflowMaxVariableBytes,
        signal: controller.signal,
      });
      for await (const event of run) {
        if (event.type !== 'run_finished') {
          const { out, finished } = translator.translate(event);
          if (finished) writes.push(this.nodeRows.save(runId, finished));
          yield* out;
        } else {
          const summary = await this.storeOutcome(input, runId, createdAt, controller.signal, translator, event, writes);
          yield { event: 'workflow_finished', ...ids, data: summary };
        }
      }
    } catch (err) {
      await this.db
        .update(workflowRuns)
        .set({ status: WorkflowRunStatus.Failed, error: (err as Error).message, finishedAt: new Date() })
        .where(and(eq(workflowRuns.id, runId), eq(workflowRuns.status, WorkflowRunStatus.Running)));
      throw err;
    } finally {
      this.running.remove(runId);
    }
  }

  /** What the nodes may reach for this run: its caller's tools, the chat's history, and only the uploads it was given. */
  private nodeServices(input: StartRun, sysFiles: WorkflowFile[]) {
    const chat = input.chat;
    const caller = { depth: input.callDepth ?? 0, endUser: input.endUser, accountId: input.accountId, invokeFrom: input.invokeFrom };
    // Nodes read only the uploads this run was given (its inputs, sys.files, the conversation's variables) or its tools made.
    const issued = new Set(
      [...Object.values(input.inputs), sysFiles, ...Object.values(chat?.variables ?? {})].flatMap((v) =>
        filesIn(v).flatMap((f) => (f.related_id ? [f.related_id] : [])),
      ),
    );
    return nodeServicesFor(this.reach, this.settings, input.app.workspaceId, { caller, history: chat?.history, issued });
  }

  /**
   * Writes the run's outcome to its row, after every node's row, and gives it as `workflow_finished`
   * tells it; a shutdown's cut is a failure.
   */
  private async storeOutcome(
    input: StartRun,
    runId: string,
    createdAt: number,
    signal: AbortSignal,
    translator: RunEventTranslator,
    event: Extract<EngineEvent, { type: 'run_finished' }>,
    nodeWrites: Array<Promise<unknown>>,
  ): Promise<RunSummary> {
    const interrupted = signal.aborted && signal.reason === SERVER_SHUTDOWN;
    const status: WorkflowRunStatus = interrupted ? 'failed' : (event.status satisfies RunStatus);
    const error = interrupted ? WORKFLOW_INTERRUPTED_ERROR : (event.error ?? (status === 'stopped' ? 'stopped by the user' : null));
    const finishedAt = Date.now();
    await Promise.allSettled(nodeWrites);
    await this.db
      .update(workflowRuns)
      .set({
        status,
        outputs: event.outputs,
        error: error ?? '',
        elapsedTime: (finishedAt - createdAt) / 1000,
        totalTokens: translator.totalTokens,
        totalPrice: translator.totalPrice,
        totalSteps: event.steps,
        exceptionsCount: translator.exceptions,
        finishedAt: new Date(finishedAt),
      })
      .where(eq(workflowRuns.id, runId));
    return {
      id: runId,
      workflow_id: input.workflow.id,
      status,
      outputs: event.outputs,
      error,
      elapsed_time: (finishedAt - createdAt) / 1000,
      total_tokens: translator.totalTokens,
      total_steps: event.steps,
      exceptions_count: translator.exceptions,
      created_by: input.accountId ? { id: input.accountId } : { id: input.endUser, user: input.endUser },
      created_at: unix(createdAt),
      finished_at: unix(finishedAt),
      files: filesOfOutputs(event.outputs),
    };
  }

  /** A published workflow run to its end for a workflow tool's call; kept in the app's history like any run. */
  async runForTool(app: App, workflow: RunnableWorkflow, inputs: Record<string, unknown>, caller: ToolCaller, signal: AbortSignal) {
    const run = await this.start({
      app,
      workflow,
      inputs,
      endUser: caller.endUser,
      accountId: caller.accountId,
      invokeFrom: caller.invokeFrom,
      trigger: WorkflowTrigger.AppRun,
      callDepth: caller.depth,
      signal,
    });
    for await (const event of run.events) {
      if (event.event === 'workflow_finished') return { status: event.data.status, outputs: event.data.outputs, error: event.data.error };
    }
    throw new Error('the run ended without its workflow_finished event');
  }

  /**
   * The editor's single-step run: one node of the draft with the values it reads given by hand,
   * keyed as Dify's editor keys them (`#node_id.variable#`, or `node_id.variable`). Not kept in the
   * history; containers and the nodes inside them run only as part of a run.
   */
  async runNode(app: App, workflow: RunnableWorkflow, nodeId: string, given: Record<string, unknown>, signal: AbortSignal) {
    const node = workflow.graph.nodes.find((n) => n.id === nodeId);
    if (!node) throw new NotFoundError(`the draft has no node ${nodeId}`);
    if (node.parentId || ['iteration', 'loop', 'start', 'end', 'answer'].includes(node.data.type)) {
      throw new ValidationError(`${node.data.type} nodes${node.parentId ? ' inside a container' : ''} run only as part of a run`);
    }
    const pool = new VariablePool({ env: workflow.environment });
    for (const [key, value] of Object.entries(given)) {
      const [scope, name] = key.replace(/^#|#$/g, '').split('.');
      if (!scope || !name) throw new ValidationError(`inputs: ${key} is not node_id.variable`);
      pool.set(scope, { ...(pool.get([scope]) as Record<string, unknown> | undefined), [name]: value });
    }
    const executor = nodeExecutors({}, nodeServicesFor(this.reach, this.settings, app.workspaceId, { caller: EDITOR }))[node.data.type];
    if (!executor) throw new ValidationError(`the node type ${node.data.type} cannot run here`);
    const started = performance.now();
    const noop = () => undefined;
    try {
      const outcome = await executor({
        node,
        pool,
        signal,
        stream: noop,
        emit: noop,
        runChildren: () => Promise.reject(new Error('no container')),
      });
      const oversized = oversizedVariable(outcome.outputs, this.settings.workflowMaxVariableBytes);
      if (oversized) throw new Error(oversized);
      return { node, status: 'succeeded' as const, outcome, error: undefined, elapsedMs: performance.now() - started };
    } catch (err) {
      return { node, status: 'failed' as const, outcome: undefined, error: (err as Error).message, elapsedMs: performance.now() - started };
    }
  }

  /** Sandboxes the run's code and template nodes will need start now, while the nodes before them run. */
  private warmSandboxes(workflow: RunnableWorkflow): void {
    for (const node of workflow.graph.nodes) {
      if (node.data.type === 'code') this.reach.sandbox.warm(node.data['code_language'] === 'javascript' ? 'javascript' : 'python');
      else if (node.data.type === 'template-transform') this.reach.sandbox.warm('javascript');
    }
  }

  /** The console's stop, on any node; the run row proves the app owns the task. */
  async stop(workspaceId: string, appId: string, taskId: string): Promise<void> {
    const run = await this.row(taskId);
    if (!run || run.workspaceId !== workspaceId || run.appId !== appId) throw new NotFoundError('task not found');
    await this.running.signal(taskId);
  }

  /** The service API's stop: only the user who started the run may stop it. */
  async stopForEndUser(appId: string, endUser: string, taskId: string): Promise<void> {
    const run = await this.row(taskId);
    if (!run || run.appId !== appId || run.endUser !== endUser || run.triggeredFrom !== WorkflowTrigger.AppRun) {
      throw new DifyApiError(404, 'not_found', 'Task not found.');
    }
    await this.running.signal(taskId);
  }

  async list(workspaceId: string, appId: string, page: PageRequest): Promise<{ list: WorkflowRun[]; total: number }> {
    return this.page(and(eq(workflowRuns.workspaceId, workspaceId), eq(workflowRuns.appId, appId))!, page);
  }

  /** One run with each node's execution, in the order they started. */
  async detail(workspaceId: string, appId: string, runId: string): Promise<{ run: WorkflowRun; nodes: WorkflowNodeExecution[] }> {
    const run = await this.row(runId);
    if (!run || run.workspaceId !== workspaceId || run.appId !== appId) throw new NotFoundError('workflow run not found');
    const nodes = await this.db
      .select()
      .from(workflowNodeExecutions)
      .where(eq(workflowNodeExecutions.workflowRunId, runId))
      .orderBy(asc(workflowNodeExecutions.index));
    return { run, nodes };
  }

  /** A run of the app, as the service API shows it. */
  async serviceRun(appId: string, runId: string): Promise<WorkflowRun> {
    const run = await this.row(runId);
    if (!run || run.appId !== appId) throw new DifyApiError(404, 'not_found', 'Workflow run not found.');
    return run;
  }

  /** Dify's workflow logs: the published app's runs, newest first, filtered by status and a keyword in inputs or outputs. */
  async logs(appId: string, filter: PageRequest & { status?: string | undefined; keyword?: string | undefined }) {
    const keyword = filter.keyword ? containsPattern(filter.keyword) : undefined;
    const where = and(
      eq(workflowRuns.appId, appId),
      eq(workflowRuns.triggeredFrom, WorkflowTrigger.AppRun),
      filter.status ? eq(workflowRuns.status, filter.status as WorkflowRunStatus) : undefined,
      keyword ? or(ilike(sql`${workflowRuns.inputs}::text`, keyword), ilike(sql`${workflowRuns.outputs}::text`, keyword)) : undefined,
    )!;
    return this.page(where, filter);
  }

  /** Runs a dead process left running become failed with the reason; only those started before `startedBefore`. */
  async interruptUnfinished(startedBefore: Date): Promise<number> {
    const result = await this.db
      .execute(sql`UPDATE workflow_runs SET status = ${WorkflowRunStatus.Failed}, error = ${WORKFLOW_INTERRUPTED_ERROR},
      finished_at = now() WHERE status = ${WorkflowRunStatus.Running} AND created_at < ${startedBefore.toISOString()}::timestamptz RETURNING id`);
    return result.rows.length;
  }

  private async page(where: SQL, page: PageRequest): Promise<{ list: WorkflowRun[]; total: number }> {
    const { limit, offset } = pageOffset(page);
    const rows = await this.db
      .select({ run: workflowRuns, total: sql<number>`count(*) over ()`.mapWith(Number) })
      .from(workflowRuns)
      .where(where)
      .orderBy(desc(workflowRuns.createdAt), desc(workflowRuns.id))
      .limit(limit)
      .offset(offset);
    if (rows.length > 0 || offset === 0) return { list: rows.map((r) => r.run), total: rows[0]?.total ?? 0 };
    const [count] = await this.db
      .select({ value: sql<number>`count(*)`.mapWith(Number) })
      .from(workflowRuns)
      .where(where);
    return { list: [], total: count?.value ?? 0 };
  }

  private async row(runId: string): Promise<WorkflowRun | undefined> {
    if (!isUuid(runId)) return undefined;
    const [run] = await this.db.select().from(workflowRuns).where(eq(workflowRuns.id, runId)).limit(1);
    return run;
  }
}
