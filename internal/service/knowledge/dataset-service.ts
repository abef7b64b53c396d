import { and, count, desc, eq, ilike, inArray, sql } from 'drizzle-orm';
import { pageOffset, type PageRequest } from '../../../pkg/paginator/paginator.js';
import { DATASET_DEFAULT_ICON, IndexingTechnique, type DatasetStats } from '../../entity/dataset-entity.js';
import type { Db } from '../../extension/database.js';
import type { VectorStore } from '../../extension/vector-store.js';
import { FailError, NotFoundError } from '../../exception/app-error.js';
import { containsPattern } from '../../lib/pg-error.js';
import { findInWorkspace, inWorkspace } from '../../lib/workspace-scope.js';
import { datasetQueries, datasets, type Dataset } from '../../model/dataset.js';
import type { LlmModelService } from '../models/llm-model-service.js';
import type { Actor } from '../identity/permissions.js';
import { DatasetAccess } from './dataset-access.js';
import type { DatasetPermission } from '../../entity/workspace-entity.js';

export interface DatasetInput {
  name: string;
  icon?: string | undefined;
  description?: string | undefined;
  indexing_technique: IndexingTechnique;
  embedding_model?: { provider: string; model: string } | undefined;
  permission?: DatasetPermission | undefined;
  partial_member_list?: string[] | undefined;
}

/** Tells the apps whose drafts a change touched to drop what they cached (the apps' service, seen from below). */
export interface AppChanges {
  changed(appId: string): Promise<void>;
}

/** Knowledge bases of a workspace; `access` says which members see which. */
export class DatasetService {
  readonly access: DatasetAccess;

  constructor(
    private readonly db: Db,
    private readonly vectors: VectorStore,
    private readonly llmModels: LlmModelService,
    private readonly apps: AppChanges,
  ) {
    this.access = new DatasetAccess(db);
  }

  async create(actor: Actor, input: DatasetInput): Promise<Dataset> {
    const { workspaceId } = actor;
    const embedding = await this.checkIndexing(workspaceId, input.indexing_technique, input.embedding_model);
    const permission = input.permission ?? 'only_me';
    const members = await this.access.checkedMembers(actor, permission, input.partial_member_list ?? []);
    return this.db.transaction(async (tx) => {
      const [dataset] = await tx
        .insert(datasets)
        .values({
          workspaceId,
          createdBy: actor.accountId,
          permission,
          name: input.name,
          icon: input.icon ?? DATASET_DEFAULT_ICON,
          description: input.description ?? '',
          indexingTechnique: input.indexing_technique,
          embeddingProvider: embedding?.provider ?? '',
          embeddingModel: embedding?.model ?? '',
        })
        .returning();
      await this.access.write(tx, dataset!.id, members);
      return dataset!;
    });
  }

  get(workspaceId: string, datasetId: string): Promise<Dataset> {
    return findInWorkspace(this.db, datasets, workspaceId, datasetId, 'dataset not found');
  }

  /** Documents, characters and hits per dataset, counted in SQL in one query. */
  async stats(datasetIds: string[]): Promise<Map<string, DatasetStats>> {
    const result = new Map<string, DatasetStats>(datasetIds.map((id) => [id, { documentCount: 0, characterCount: 0, hitCount: 0 }]));
    if (datasetIds.length === 0) return result;
    const ids = sql.join(
      datasetIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    const { rows } = await this.db.execute(sql`SELECT d.id,
        (SELECT count(*) FROM documents WHERE dataset_id = d.id) AS document_count,
        (SELECT coalesce(sum(character_count), 0) FROM documents WHERE dataset_id = d.id) AS character_count,
        (SELECT coalesce(sum(hit_count), 0) FROM segments WHERE dataset_id = d.id) AS hit_count
      FROM datasets d WHERE d.id IN (${ids})`);
    for (const r of rows) {
      result.set(String(r.id), {
        documentCount: Number(r.document_count),
        characterCount: Number(r.character_count),
        hitCount: Number(r.hit_count),
      });
    }
    return result;
  }

  /** Name, icon and description only: the indexing technique and embedding model are fixed once documents exist. */
  async update(
    workspaceId: string,
    datasetId: string,
    input: { name?: string | undefined; icon?: string | undefined; description?: string | undefined },
  ) {
    const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const [dataset] = await this.db
      .update(datasets)
      .set({ ...changes, updatedAt: new Date() })
      .where(inWorkspace(datasets, workspaceId, datasetId))
      .returning();
    if (!dataset) throw new NotFoundError('dataset not found');
    return dataset;
  }

  /**
   * Documents, segments, their vectors and keywords go with it (foreign keys cascade), and app
   * drafts stop listing it. Published versions stay as published; chat skips datasets that are gone.
   */
  async delete(workspaceId: string, datasetId: string): Promise<void> {
    const changedApps = await this.db.transaction(async (tx) => {
      const deleted = await tx
        .delete(datasets)
        .where(inWorkspace(datasets, workspaceId, datasetId))
        .returning({ id: datasets.id });
      if (deleted.length === 0) throw new NotFoundError('dataset not found');
      const updated = await tx.execute(sql`UPDATE apps SET draft_config = jsonb_set(draft_config, '{datasets}',
          (SELECT coalesce(jsonb_agg(x), '[]'::jsonb) FROM jsonb_array_elements(draft_config->'datasets') x WHERE x <> to_jsonb(${datasetId}::text)))
        WHERE workspace_id = ${workspaceId} AND draft_config->'datasets' ? ${datasetId} RETURNING id`);
      return updated.rows.map((r) => r.id as string);
    });
    for (const appId of changedApps) await this.apps.changed(appId);
  }

  /** Which of `ids` the account owns. */
  async ownedIds(workspaceId: string, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select({ id: datasets.id })
      .from(datasets)
      .where(and(eq(datasets.workspaceId, workspaceId), inArray(datasets.id, ids)));
    const owned = new Set(rows.map((r) => r.id));
    return ids.filter((id) => owned.has(id));
  }

  /** Apps whose draft uses the dataset. */
  async appsUsing(workspaceId: string, datasetId: string): Promise<Array<{ id: string; name: string }>> {
    const { rows } = await this.db.execute(
      sql`SELECT id, name FROM apps WHERE workspace_id = ${workspaceId} AND draft_config->'datasets' ? ${datasetId} ORDER BY created_at`,
    );
    return rows.map((r) => ({ id: String(r.id), name: String(r.name) }));
  }

  /** The datasets of the actor's workspace it sees. */
  async list(actor: Actor, request: PageRequest & { searchWord?: string | undefined }): Promise<{ list: Dataset[]; total: number }> {
    const where = and(
      eq(datasets.workspaceId, actor.workspaceId),
      this.access.visible(actor),
      request.searchWord ? ilike(datasets.name, containsPattern(request.searchWord)) : undefined,
    );
    const { limit, offset } = pageOffset(request);
    const [list, [total]] = await Promise.all([
      this.db.select().from(datasets).where(where).orderBy(desc(datasets.createdAt), desc(datasets.id)).limit(limit).offset(offset),
      this.db.select({ value: count() }).from(datasets).where(where),
    ]);
    return { list, total: total?.value ?? 0 };
  }

  async recentQueries(workspaceId: string, datasetId: string, limit: number) {
    await this.get(workspaceId, datasetId);
    return this.db
      .select()
      .from(datasetQueries)
      .where(eq(datasetQueries.datasetId, datasetId))
      .orderBy(desc(datasetQueries.createdAt))
      .limit(limit);
  }

  private async checkIndexing(workspaceId: string, technique: IndexingTechnique, model: DatasetInput['embedding_model']) {
    if (technique === IndexingTechnique.Economy) return undefined;
    if (!this.vectors.available) {
      throw new FailError(
        'high_quality indexing needs pgvector, which this PostgreSQL does not have; use economy (keyword search) or install pgvector',
      );
    }
    if (!model) throw new FailError('embedding_model: a high_quality dataset needs an embedding model');
    const { spec } = await this.llmModels.resolve(workspaceId, model.provider, model.model);
    if (spec.type !== 'embedding') throw new FailError(`embedding_model: ${model.provider}/${model.model} is not an embedding model`);
    return model;
  }
}
