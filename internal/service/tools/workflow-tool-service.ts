import { and, desc, eq, inArray } from 'drizzle-orm';
import type { AgentTool } from '../../core/agent/agent-types.js';
import {
  parameterProblems,
  workflowToolInputs,
  workflowToolOutput,
  workflowToolSchema,
  type WorkflowToolInput,
  type WorkflowToolParameter,
} from '../../core/tools/workflow-tools.js';
import { requiredWithoutControl, startForm } from '../../core/workflow/start-form.js';
import type { AppToolConfig } from '../../entity/app-config-entity.js';
import type { InvokeFrom } from '../../entity/conversation-entity.js';
import { FailError, NotFoundError, ValidationError } from '../../exception/app-error.js';
import type { Db } from '../../extension/database.js';
import { unlessDuplicate } from '../../lib/pg-error.js';
import { findInWorkspace } from '../../lib/workspace-scope.js';
import { isUuid } from '../../lib/uuid.js';
import { workflowToolProviders, type App, type WorkflowToolProvider } from '../../model/index.js';
import type { AppService } from '../apps/app-service.js';
import { resolveConfigured, unresolvedNames } from './configured-tools.js';
import type { Actor } from '../identity/permissions.js';
import type { RunnableWorkflow, WorkflowService } from '../workflow/workflow-service.js';

export interface WorkflowToolInputBody {
  name: string;
  label: string;
  icon: Record<string, unknown>;
  description: string;
  parameters: WorkflowToolParameter[];
  privacy_policy: string;
}

/** Who a tool call runs for, and how deep in workflows calling workflows (as tools) it already is. */
export interface ToolCaller {
  /** 0 for a chat app's agent or a run started by a request; a run started by a workflow tool is its caller's + 1. */
  depth: number;
  endUser: string;
  accountId: string | null;
  invokeFrom: InvokeFrom;
}

/**
 * The port through which a workflow tool runs its published workflow to the end. Workflow runs
 * implement it; they also call workflow tools, so the composition root hands this in as a port.
 */
export interface WorkflowToolRunner {
  runForTool(
    app: App,
    workflow: RunnableWorkflow,
    inputs: Record<string, unknown>,
    caller: ToolCaller,
    signal: AbortSignal,
  ): Promise<{ status: string; outputs: Record<string, unknown>; error: string | null }>;
}

/** A workflow tool with what it stands for now: its app, the published graph, and its arguments. */
export interface WorkflowToolView {
  provider: WorkflowToolProvider;
  app: App;
  inputs: WorkflowToolInput[];
  /** Whether the app's published version is the one the tool was saved against. */
  synced: boolean;
}

/**
 * Published workflow apps as tools for agents (Dify's workflow tools): a chat app's agent, an agent
 * node or a tool node calls one with its start variables and reads the run's outputs as JSON.
 * A run started this way may call further workflow tools, down to the configured call depth.
 */
export class WorkflowToolService {
  constructor(
    private readonly db: Db,
    private readonly apps: AppService,
    private readonly workflows: WorkflowService,
    private readonly settings: { workflowMaxCallDepth: number },
    private readonly runner: WorkflowToolRunner,
  ) {}

  async create(actor: Actor, appId: string, input: WorkflowToolInputBody): Promise<WorkflowToolProvider> {
    const { workflow } = await this.publishedApp(actor.workspaceId, appId);
    checkParameters(workflow, input.parameters);
    const [existing] = await this.db
      .select({ id: workflowToolProviders.id })
      .from(workflowToolProviders)
      .where(eq(workflowToolProviders.appId, appId))
      .limit(1);
    if (existing) throw new FailError(`this app is already a tool (${existing.id}): change that one`);
    const [row] = await unlessDuplicate(
      this.db
        .insert(workflowToolProviders)
        .values({ workspaceId: actor.workspaceId, appId, createdBy: actor.accountId, ...columns(input), version: workflow.version })
        .returning(),
      `a workflow tool named ${input.name} already exists`,
    );
    return row!;
  }

  /** Saves the tool against the app's version published now (so it is synced again). */
  async update(workspaceId: string, id: string, input: WorkflowToolInputBody): Promise<void> {
    const provider = await this.row(workspaceId, id);
    const { workflow } = await this.publishedApp(workspaceId, provider.appId);
    checkParameters(workflow, input.parameters);
    await unlessDuplicate(
      this.db
        .update(workflowToolProviders)
        .set({ ...columns(input), version: workflow.version, updatedAt: new Date() })
        .where(eq(workflowToolProviders.id, id)),
      `a workflow tool named ${input.name} already exists`,
    );
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    await this.row(workspaceId, id);
    await this.db.delete(workflowToolProviders).where(eq(workflowToolProviders.id, id));
  }

  async get(workspaceId: string, id: string): Promise<WorkflowToolView> {
    return this.view(await this.row(workspaceId, id));
  }

  async getByApp(workspaceId: string, appId: string): Promise<WorkflowToolView> {
    await this.apps.get(workspaceId, appId);
    const [row] = await this.db.select().from(workflowToolProviders).where(eq(workflowToolProviders.appId, appId)).limit(1);
    if (!row) throw new NotFoundError('this app is not a tool');
    return this.view(row);
  }

  async list(workspaceId: string): Promise<WorkflowToolView[]> {
    const rows = await this.db
      .select()
      .from(workflowToolProviders)
      .where(eq(workflowToolProviders.workspaceId, workspaceId))
      .orderBy(desc(workflowToolProviders.createdAt));
    return Promise.all(rows.map((row) => this.view(row)));
  }

  /** The configured workflow tools that cannot run: deleted, renamed, or their app no longer published. */
  async missing(workspaceId: string, configured: readonly AppToolConfig[]): Promise<string[]> {
    const resolved = await this.resolve(workspaceId, configured);
    const runnable = await Promise.all(resolved.map(async (r) => r.spec && (await this.runnable(r.spec)) !== undefined));
    return unresolvedNames(resolved.map((r, i) => ({ ...r, spec: runnable[i] ? r.spec : undefined })));
  }

  async agentTools(workspaceId: string, configured: readonly AppToolConfig[], caller: ToolCaller): Promise<AgentTool[]> {
    const tools: AgentTool[] = [];
    for (const { entry, spec: provider } of await this.resolve(workspaceId, configured)) {
      const found = provider && (await this.runnable(provider));
      if (!found) continue;
      const { app, workflow, inputs } = found;
      tools.push({
        name: provider.name,
        label: { en_US: provider.label, zh_Hans: provider.label },
        description: provider.description || provider.label,
        parameters: workflowToolSchema(inputs),
        invoke: async (args, signal) => {
          const fixed = Object.fromEntries(
            inputs.filter((i) => i.form === 'form' && i.name in entry.params).map((i) => [i.name, entry.params[i.name]]),
          );
          const depth = caller.depth + 1;
          if (depth > this.settings.workflowMaxCallDepth) {
            throw new Error(`Max workflow call depth ${this.settings.workflowMaxCallDepth} reached.`);
          }
          const result = await this.runner.runForTool(app, workflow, { ...args, ...fixed }, { ...caller, depth }, signal);
          if (result.status !== 'succeeded' && result.status !== 'partial-succeeded') {
            throw new Error(`the workflow ${provider.name} ${result.status}: ${result.error ?? 'no reason given'}`);
          }
          return workflowToolOutput(result.outputs);
        },
      });
    }
    return tools;
  }

  private async view(provider: WorkflowToolProvider): Promise<WorkflowToolView> {
    const app = await this.apps.get(provider.workspaceId, provider.appId);
    const workflow = await this.workflows.published(app);
    return {
      provider,
      app,
      inputs: workflow ? workflowToolInputs(startForm(workflow.graph), provider.parameters) : [],
      synced: workflow?.version === provider.version,
    };
  }

  /** The tool's app as it runs now; undefined where it cannot (the app is no longer published). */
  private async runnable(provider: WorkflowToolProvider) {
    const app = await this.apps.get(provider.workspaceId, provider.appId).catch(() => undefined);
    const workflow = app && app.mode === 'workflow' ? await this.workflows.published(app) : undefined;
    if (!app || !workflow) return undefined;
    return { app, workflow, inputs: workflowToolInputs(startForm(workflow.graph), provider.parameters) };
  }

  private async publishedApp(workspaceId: string, appId: string): Promise<{ app: App; workflow: RunnableWorkflow }> {
    const app = await this.apps.get(workspaceId, appId);
    if (app.mode !== 'workflow') throw new FailError(`only a workflow app can be a tool; this is a ${app.mode} app`);
    const workflow = await this.workflows.published(app);
    if (!workflow) throw new FailError('publish the workflow first: a tool runs its published version');
    return { app, workflow };
  }

  private row(workspaceId: string, id: string): Promise<WorkflowToolProvider> {
    return findInWorkspace(this.db, workflowToolProviders, workspaceId, id, 'workflow tool not found');
  }

  /** Configured entries name the tool by its id (`provider_id`) and its name (`tool_id`), as Dify's do. */
  private async resolve(workspaceId: string, configured: readonly AppToolConfig[]) {
    const wanted = configured.filter((t) => t.type === 'workflow_tool');
    const ids = [...new Set(wanted.map((t) => t.provider_id).filter(isUuid))];
    if (ids.length === 0) return wanted.map((entry) => ({ entry, provider: undefined, spec: undefined }));
    const rows = await this.db
      .select()
      .from(workflowToolProviders)
      .where(and(eq(workflowToolProviders.workspaceId, workspaceId), inArray(workflowToolProviders.id, ids)));
    return resolveConfigured(
      wanted,
      rows.map((row) => ({ ...row, tools: [row] })),
    );
  }
}

function columns(input: WorkflowToolInputBody) {
  return {
    name: input.name,
    label: input.label,
    icon: input.icon,
    description: input.description,
    parameters: input.parameters,
    privacyPolicy: input.privacy_policy,
  };
}

/** The configuration must fit the start form, and the model must be able to give every required input. */
function checkParameters(workflow: RunnableWorkflow, parameters: WorkflowToolParameter[]): void {
  const problems = parameterProblems(startForm(workflow.graph), parameters);
  const unsupported = requiredWithoutControl(workflow.graph);
  if (unsupported.length > 0) {
    problems.push(`a tool cannot give the required start variables ${unsupported.join(', ')} (files and objects)`);
  }
  if (problems.length > 0) {
    throw new ValidationError(`parameters: ${problems.join('; ')}`, {
      errors: problems.map((message) => ({ field: 'parameters', message })),
    });
  }
}
