import { createHash } from 'node:crypto';
import { and, count, desc, eq, gt, sql } from 'drizzle-orm';
import { graphProblems, readGraph, type Graph, type GraphProblem, type WorkflowMode } from '../../core/workflow/graph.js';
import { RUNNABLE_NODE_TYPES } from '../../core/workflow/node-executors.js';
import { isGraphMode, type EnvironmentVariable, type WorkflowSpec } from '../../entity/workflow-entity.js';
import type { Db } from '../../extension/database.js';
import { AppError, FailError, NotFoundError, ValidationError } from '../../exception/app-error.js';
import { decryptText, deriveKey, encryptText } from '../../lib/crypto.js';
import { BoundedCache } from '../../lib/bounded-cache.js';
import type { App } from '../../model/app.js';
import { workflows, type Workflow } from '../../model/workflow.js';
import { HttpCode } from '../../../pkg/response/http-code.js';
import { pageOffset, type PageRequest } from '../../../pkg/paginator/paginator.js';
import { publishNext } from '../apps/app-publishing.js';
import type { AppService } from '../apps/app-service.js';

/** What the API shows of a secret environment variable, and what an editor sends back to keep it (Dify's marker). */
export const HIDDEN_VALUE = '[__HIDDEN__]';
const DRAFT = 0;

/** A graph version ready to run: checked, with secret environment variables readable. */
export interface RunnableWorkflow {
  id: string;
  version: number;
  mode: WorkflowMode;
  graph: Graph;
  spec: WorkflowSpec;
  environment: Record<string, unknown>;
}

/**
 * The graphs of workflow and chatflow apps: the draft an editor saves (checked on every save, so a
 * saved draft always runs), publishing it as the next numbered version, history and going back.
 */
export class WorkflowService {
  private readonly key: Uint8Array;
  /** Published versions by id: frozen once written, so a cached one is never stale. */
  private readonly versions = new BoundedCache<string, RunnableWorkflow>(500);

  constructor(
    private readonly db: Db,
    private readonly appService: AppService,
    secretKey: string,
  ) {
    this.key = deriveKey(secretKey, 'workflow-environment');
  }

  /** The app's draft; a new app's is a start node wired to an end (or, in a chatflow, an answer echoing the query). */
  async draft(workspaceId: string, appId: string): Promise<{ app: App; workflow: Workflow }> {
    const app = await this.graphApp(workspaceId, appId);
    const found = await this.row(appId, DRAFT);
    if (found) return { app, workflow: found };
    const spec = defaultSpec(app.mode as WorkflowMode);
    await this.db
      .insert(workflows)
      .values({ appId, version: DRAFT, spec, hash: hashOf(spec), createdBy: app.createdBy })
      .onConflictDoNothing();
    return { app, workflow: (await this.row(appId, DRAFT))! };
  }

  /** Saves over the draft. `hash` (what the editor last read) guards against overwriting a save it has not seen. */
  async saveDraft(workspaceId: string, appId: string, accountId: string, spec: WorkflowSpec, hash?: string): Promise<Workflow> {
    const { app, workflow: current } = await this.draft(workspaceId, appId);
    if (hash && hash !== current.hash) {
      throw new AppError(HttpCode.Fail, 'draft_workflow_not_sync: the draft was saved elsewhere since you read it; reload it', {}, 409);
    }
    this.check(spec, app.mode as WorkflowMode);
    const sealed = { ...spec, environment_variables: this.sealEnvironment(spec.environment_variables, current.spec.environment_variables) };
    const [saved] = await this.db
      .update(workflows)
      .set({ spec: sealed, hash: hashOf(sealed), createdBy: accountId, updatedAt: new Date() })
      .where(eq(workflows.id, current.id))
      .returning();
    return saved!;
  }

  /** Freezes the draft as the next version and makes it the one published traffic runs. */
  async publish(workspaceId: string, appId: string, accountId: string | null): Promise<Workflow> {
    const { app, workflow: draft } = await this.draft(workspaceId, appId);
    // Saved drafts were checked, but node types that cannot run here may have come in by import.
    this.check(draft.spec, app.mode as WorkflowMode, { runnable: true });
    const version = await publishNext(
      this.db,
      appId,
      async (tx) => {
        const [row] = await tx
          .select({ latest: sql<number>`coalesce(max(${workflows.version}), 0)`.mapWith(Number) })
          .from(workflows)
          .where(eq(workflows.appId, appId));
        return row?.latest ?? 0;
      },
      async (tx, next) =>
        (
          await tx.insert(workflows).values({ appId, version: next, spec: draft.spec, hash: draft.hash, createdBy: accountId }).returning()
        )[0]!,
    );
    await this.appService.changed(appId);
    return version;
  }

  async histories(workspaceId: string, appId: string, page: PageRequest): Promise<{ list: Workflow[]; total: number }> {
    await this.graphApp(workspaceId, appId);
    const { limit, offset } = pageOffset(page);
    const where = and(eq(workflows.appId, appId), gt(workflows.version, DRAFT));
    const [list, [total]] = await Promise.all([
      this.db.select().from(workflows).where(where).orderBy(desc(workflows.version)).limit(limit).offset(offset),
      this.db.select({ value: count() }).from(workflows).where(where),
    ]);
    return { list, total: total?.value ?? 0 };
  }

  /** Copies a published version back into the draft; what is published does not change. */
  async fallback(workspaceId: string, appId: string, versionId: string, accountId: string): Promise<Workflow> {
    const { workflow: draft } = await this.draft(workspaceId, appId);
    const [version] = await this.db
      .select()
      .from(workflows)
      .where(and(eq(workflows.id, versionId), eq(workflows.appId, appId), gt(workflows.version, DRAFT)))
      .limit(1);
    if (!version) throw new NotFoundError('app config version not found');
    const [saved] = await this.db
      .update(workflows)
      .set({ spec: version.spec, hash: version.hash, createdBy: accountId, updatedAt: new Date() })
      .where(eq(workflows.id, draft.id))
      .returning();
    return saved!;
  }

  /** The draft as a debug run uses it. */
  async runnableDraft(workspaceId: string, appId: string): Promise<RunnableWorkflow> {
    const { app, workflow } = await this.draft(workspaceId, appId);
    return this.runnable(workflow, app.mode as WorkflowMode);
  }

  /** The version published traffic runs; undefined while the app is not published. */
  async published(app: App): Promise<RunnableWorkflow | undefined> {
    if (!app.publishedVersionId || !isGraphMode(app.mode)) return undefined;
    const cached = this.versions.get(app.publishedVersionId);
    if (cached) return cached;
    const [row] = await this.db.select().from(workflows).where(eq(workflows.id, app.publishedVersionId)).limit(1);
    if (!row) return undefined;
    const runnable = this.runnable(row, app.mode);
    this.versions.set(row.id, runnable);
    return runnable;
  }

  /** Copies an app's draft graph to a copy of the app. */
  async copyDraft(fromAppId: string, toAppId: string): Promise<void> {
    const draft = await this.row(fromAppId, DRAFT);
    if (draft) await this.db.insert(workflows).values({ appId: toAppId, version: DRAFT, spec: draft.spec, hash: draft.hash });
  }

  /** A graph (from an imported file) as a new app's draft, unchecked: what cannot run there is listed by the import. */
  async importDraft(appId: string, spec: WorkflowSpec, accountId: string): Promise<void> {
    const sealed = { ...spec, environment_variables: this.sealEnvironment(spec.environment_variables, []) };
    await this.db.insert(workflows).values({ appId, version: DRAFT, spec: sealed, hash: hashOf(sealed), createdBy: accountId });
  }

  /** The spec as the API shows it: secret values hidden. */
  visibleSpec(spec: WorkflowSpec): WorkflowSpec {
    return {
      ...spec,
      environment_variables: spec.environment_variables.map((v) => (v.value_type === 'secret' ? { ...v, value: HIDDEN_VALUE } : v)),
    };
  }

  /** The spec with secrets readable, for an export that asks to include them. */
  openSpec(spec: WorkflowSpec): WorkflowSpec {
    return { ...spec, environment_variables: spec.environment_variables.map((v) => ({ ...v, value: this.openValue(v) })) };
  }

  private runnable(row: Workflow, mode: WorkflowMode): RunnableWorkflow {
    const { graph } = readGraph(row.spec.graph);
    if (!graph) throw new FailError('the workflow graph is unreadable; save the draft again');
    const environment = Object.fromEntries(row.spec.environment_variables.map((v) => [v.name, this.openValue(v)]));
    return { id: row.id, version: row.version, mode, graph, spec: row.spec, environment };
  }

  private openValue(v: EnvironmentVariable): string | number {
    return v.value_type === 'secret' ? decryptText(this.key, String(v.value)) : v.value;
  }

  /** Secrets sealed; a hidden marker sent back keeps the value saved under that name. */
  private sealEnvironment(next: EnvironmentVariable[], saved: EnvironmentVariable[]): EnvironmentVariable[] {
    const previous = new Map(saved.map((v) => [v.name, v]));
    return next.map((v) => {
      if (v.value_type !== 'secret') return v;
      const old = previous.get(v.name);
      if (v.value === HIDDEN_VALUE) {
        if (old?.value_type !== 'secret') throw new ValidationError(`environment_variables: ${v.name} has no saved secret to keep`);
        return { ...v, value: old.value };
      }
      return { ...v, value: encryptText(this.key, String(v.value)) };
    });
  }

  private check(spec: WorkflowSpec, mode: WorkflowMode, options: { runnable?: boolean } = {}): void {
    const { graph, problems } = readGraph(spec.graph);
    const found: GraphProblem[] = graph ? graphProblems(graph, mode) : problems;
    if (graph && options.runnable) {
      for (const node of graph.nodes) {
        if (!RUNNABLE_NODE_TYPES.includes(node.data.type)) {
          found.push({ node: node.id, field: 'data.type', message: `${node.id}: the node type ${node.data.type} cannot run here` });
        }
      }
    }
    if (found.length > 0) {
      throw new ValidationError(found.map((p) => p.message).join('; '), { problems: found });
    }
  }

  /** The workspace's workflow or chatflow app; another's, or a chat app, is refused. */
  async graphApp(workspaceId: string, appId: string): Promise<App> {
    const app = await this.appService.get(workspaceId, appId);
    if (!isGraphMode(app.mode)) throw new FailError(`this is a ${app.mode} app; only workflow and chatflow apps have a graph`);
    return app;
  }

  private async row(appId: string, version: number): Promise<Workflow | undefined> {
    const [row] = await this.db
      .select()
      .from(workflows)
      .where(and(eq(workflows.appId, appId), eq(workflows.version, version)))
      .limit(1);
    return row;
  }
}

function hashOf(spec: WorkflowSpec): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex');
}

function defaultSpec(mode: WorkflowMode): WorkflowSpec {
  const start = { id: 'start', type: 'custom', position: { x: 80, y: 280 }, data: { type: 'start', title: 'Start', variables: [] } };
  const last =
    mode === 'workflow'
      ? { id: 'end', type: 'custom', position: { x: 380, y: 280 }, data: { type: 'end', title: 'End', outputs: [] } }
      : {
          id: 'answer',
          type: 'custom',
          position: { x: 380, y: 280 },
          data: { type: 'answer', title: 'Answer', answer: '{{#sys.query#}}' },
        };
  return {
    graph: {
      nodes: [start, last],
      edges: [{ id: `start-source-${last.id}-target`, source: 'start', sourceHandle: 'source', target: last.id }],
    },
    features: {},
    environment_variables: [],
    conversation_variables: [],
  };
}
