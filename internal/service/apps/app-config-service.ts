import { and, count, desc, eq, sql } from 'drizzle-orm';
import { parameterProblems } from '../../core/llm/model-catalog.js';
import { completeConfig, type AppConfig, type ModelConfig } from '../../entity/app-config-entity.js';
import { AppStatus } from '../../entity/app-entity.js';
import type { Db } from '../../extension/database.js';
import { AppError, FailError, DifyApiError, NotFoundError, ValidationError } from '../../exception/app-error.js';
import { appConfigVersions, type AppConfigVersion } from '../../model/app-config-version.js';
import { apps, type App } from '../../model/app.js';
import { pageOffset, type PageRequest } from '../../../pkg/paginator/paginator.js';
import { BoundedCache } from '../../lib/bounded-cache.js';
import { publishNext } from './app-publishing.js';
import type { AppService } from './app-service.js';
import type { ToolSources } from '../tools/agent-loop.js';
import { missingTools } from '../tools/configured-tools.js';
import type { BuiltinToolCredentials } from '../tools/builtin-tool-credentials.js';
import type { DatasetService } from '../knowledge/dataset-service.js';
import type { LlmModelService } from '../models/llm-model-service.js';
import type { WorkflowService } from '../workflow/workflow-service.js';
import { isGraphMode } from '../../entity/workflow-entity.js';

/** What AppConfigService is built from (named, so the composition root reads as a list). */
export interface AppConfigServiceDeps {
  db: Db;
  appService: AppService;
  llmModels: LlmModelService;
  datasets: DatasetService;
  tools: ToolSources;
  builtinCredentials: BuiltinToolCredentials;
  workflows: WorkflowService;
}

/** An app's draft configuration, its numbered published versions, and going back to one. */
export class AppConfigService {
  /** Published versions by id: a version is frozen once written, so a cached one is never stale. */
  private readonly versions = new BoundedCache<string, AppConfig>(1000);

  private readonly db: Db;
  private readonly appService: AppService;
  private readonly llmModels: LlmModelService;
  private readonly datasets: DatasetService;
  private readonly tools: ToolSources;
  private readonly builtinCredentials: BuiltinToolCredentials;
  private readonly workflows: WorkflowService;

  constructor(deps: AppConfigServiceDeps) {
    this.db = deps.db;
    this.appService = deps.appService;
    this.llmModels = deps.llmModels;
    this.datasets = deps.datasets;
    this.tools = deps.tools;
    this.builtinCredentials = deps.builtinCredentials;
    this.workflows = deps.workflows;
  }

  /** What would keep the draft's tools from running, said while editing (publishing refuses the missing ones). */
  async draftWarnings(workspaceId: string, config: AppConfig): Promise<string[]> {
    if (config.tools.length === 0) return [];
    const builtins = config.tools.filter((t) => t.type === 'builtin_tool').map((t) => t.provider_id);
    const [missing, unauthorized] = await Promise.all([
      missingTools(this.tools, workspaceId, config.tools),
      this.builtinCredentials.unauthorized(workspaceId, builtins),
    ]);
    return [
      ...missing.map((name) => `tool ${name} not found: deleted, or no longer offered by its document or server; publishing refuses it`),
      ...unauthorized.map(
        (name) => `${name} has no credentials: its tools answer with an error until they are set (POST /builtin-tools/${name}/credentials)`,
      ),
    ];
  }

  async getDraft(workspaceId: string, appId: string): Promise<AppConfig> {
    const app = await this.appService.get(workspaceId, appId);
    if (isGraphMode(app.mode)) {
      throw new FailError(`this is a ${app.mode} app: its draft is its graph (GET and POST /apps/${appId}/workflows/draft)`);
    }
    return completeConfig(app.draftConfig);
  }

  /** The config published traffic answers with; undefined while the app is not published. */
  async published(app: App): Promise<AppConfig | undefined> {
    if (isGraphMode(app.mode)) throw new DifyApiError(400, 'not_chat_app', 'Please check if your app mode matches the right API route.');
    if (!app.publishedVersionId) return undefined;
    const cached = this.versions.get(app.publishedVersionId);
    if (cached) return cached;
    const [version] = await this.db.select().from(appConfigVersions).where(eq(appConfigVersions.id, app.publishedVersionId)).limit(1);
    if (!version) return undefined;
    // Versions never change, so every request shares one, frozen: a caller adjusting it for one request makes a copy.
    const config = deepFreeze(completeConfig(version.config));
    this.versions.set(app.publishedVersionId, config);
    return config;
  }

  async updateDraft(workspaceId: string, appId: string, patch: Partial<AppConfig>): Promise<AppConfig> {
    const current = await this.getDraft(workspaceId, appId);
    if (patch.model_config) await this.checkModel(workspaceId, patch.model_config);
    if (patch.datasets) await this.checkDatasets(workspaceId, patch.datasets);
    if (patch.tools) await this.checkTools(workspaceId, patch.tools);
    const next = { ...current, ...patch };
    if (patch.model_config || patch.file_upload) await this.checkVision(workspaceId, next);
    await this.db
      .update(apps)
      .set({ draftConfig: next, updatedAt: new Date() })
      .where(and(eq(apps.id, appId), eq(apps.workspaceId, workspaceId)));
    await this.appService.changed(appId);
    return next;
  }

  /** Freezes the draft (a chat app's config, or a workflow app's graph) as the next version and makes it the one published traffic answers with. */
  async publish(
    workspaceId: string,
    appId: string,
    accountId: string | null,
  ): Promise<Pick<AppConfigVersion, 'id' | 'version' | 'createdAt'>> {
    if (isGraphMode((await this.appService.get(workspaceId, appId)).mode)) return this.workflows.publish(workspaceId, appId, accountId);
    const draft = await this.getDraft(workspaceId, appId);
    await this.checkModel(workspaceId, draft.model_config);
    await this.checkVision(workspaceId, draft);
    // A tool deleted since the draft was saved: what is published must be able to run.
    await this.checkTools(workspaceId, draft.tools);
    const version = await publishNext(
      this.db,
      appId,
      async (tx) => {
        const [row] = await tx
          .select({ latest: sql<number>`coalesce(max(${appConfigVersions.version}), 0)`.mapWith(Number) })
          .from(appConfigVersions)
          .where(eq(appConfigVersions.appId, appId));
        return row?.latest ?? 0;
      },
      async (tx, next) => (await tx.insert(appConfigVersions).values({ appId, version: next, config: draft }).returning())[0]!,
    );
    await this.appService.changed(appId);
    return version;
  }

  async cancelPublish(workspaceId: string, appId: string): Promise<void> {
    const app = await this.appService.get(workspaceId, appId);
    if (app.status !== AppStatus.Published) throw new FailError('app is not published');
    await this.db.update(apps).set({ status: AppStatus.Draft, publishedVersionId: null, updatedAt: new Date() }).where(eq(apps.id, appId));
    await this.appService.changed(appId);
  }

  async histories(workspaceId: string, appId: string, page: PageRequest): Promise<{ list: AppConfigVersion[]; total: number }> {
    await this.appService.get(workspaceId, appId);
    const { limit, offset } = pageOffset(page);
    const where = eq(appConfigVersions.appId, appId);
    const [list, [total]] = await Promise.all([
      this.db.select().from(appConfigVersions).where(where).orderBy(desc(appConfigVersions.version)).limit(limit).offset(offset),
      this.db.select({ value: count() }).from(appConfigVersions).where(where),
    ]);
    return { list, total: total?.value ?? 0 };
  }

  /** Copies a published version back into the draft; what is published does not change. */
  async fallback(workspaceId: string, appId: string, versionId: string): Promise<AppConfig> {
    await this.appService.get(workspaceId, appId);
    const [version] = await this.db
      .select()
      .from(appConfigVersions)
      .where(and(eq(appConfigVersions.id, versionId), eq(appConfigVersions.appId, appId)))
      .limit(1);
    if (!version) throw new NotFoundError('app config version not found');
    const config = completeConfig(version.config);
    await this.db.update(apps).set({ draftConfig: config, updatedAt: new Date() }).where(eq(apps.id, appId));
    await this.appService.changed(appId);
    return config;
  }

  private async checkTools(workspaceId: string, tools: AppConfig['tools']): Promise<void> {
    const missing = await missingTools(this.tools, workspaceId, tools);
    if (missing.length > 0) {
      const message = `tools not found: ${missing.join(', ')} (deleted, or no longer offered by their document or server)`;
      throw new ValidationError(`tools: ${message}`, { errors: [{ field: 'tools', message }] });
    }
  }

  private async checkDatasets(workspaceId: string, ids: string[]): Promise<void> {
    const owned = new Set(await this.datasets.ownedIds(workspaceId, ids));
    const missing = ids.find((id) => !owned.has(id));
    if (missing)
      throw new ValidationError(`datasets: dataset ${missing} not found`, {
        errors: [{ field: 'datasets', message: `dataset ${missing} not found` }],
      });
  }

  /** Images can only go to a model that reads them. */
  private async checkVision(workspaceId: string, config: AppConfig): Promise<void> {
    if (!config.file_upload.image.enabled) return;
    const spec = await this.modelSpec(workspaceId, config.model_config);
    if (!spec.features.includes('vision')) {
      const message = `${spec.model} does not read images (no vision feature); choose a vision model or switch image upload off`;
      throw new ValidationError(`file_upload.image.enabled: ${message}`, {
        errors: [{ field: 'file_upload.image.enabled', message }],
      });
    }
  }

  /** The model must exist for this account and every parameter must fit its template. */
  private async checkModel(workspaceId: string, modelConfig: ModelConfig): Promise<void> {
    const spec = await this.modelSpec(workspaceId, modelConfig);
    if (spec.type !== 'chat') throw new ValidationError(`model_config: ${spec.model} is not a chat model`);
    const problems = parameterProblems(spec, modelConfig.parameters);
    if (problems.length > 0) {
      const errors = problems.map((p) => ({ field: `model_config.parameters.${p.split(':')[0]}`, message: p.slice(p.indexOf(':') + 2) }));
      throw new ValidationError(`model_config.parameters.${problems[0]}`, { errors });
    }
  }

  private async modelSpec(workspaceId: string, modelConfig: ModelConfig) {
    try {
      return await this.llmModels.getModel(workspaceId, modelConfig.provider, modelConfig.model);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') {
        throw new ValidationError(`model_config: ${err.message}`, { errors: [{ field: 'model_config', message: err.message }] });
      }
      throw err;
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
