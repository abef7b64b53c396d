import { and, eq, inArray, ne, or, sql } from 'drizzle-orm';
import { reciprocalRankFusion } from '../../core/retrieval/rank-fusion.js';
import { searchQuery } from '../../core/retrieval/search-terms.js';
import { DocumentStatus, IndexingTechnique, RetrievalStrategy, type RetrievedSegment } from '../../entity/dataset-entity.js';
import type { Db } from '../../extension/database.js';
import type { VectorStore } from '../../extension/vector-store.js';
import { FailError, NotFoundError } from '../../exception/app-error.js';
import { datasetQueries, datasets, documents, segments, type Dataset } from '../../model/dataset.js';
import type { EmbeddingService } from './embedding-service.js';

export interface RetrievalOptions {
  strategy: RetrievalStrategy;
  /** How many segments at most (1..10). */
  k: number;
  /** Minimum score (0..1): cosine similarity, normalised text rank, or normalised fused rank for hybrid. */
  score: number;
}

/** Searches datasets by meaning, by words, or both fused; only enabled segments of completed, enabled documents. */
export class RetrievalService {
  constructor(
    private readonly db: Db,
    private readonly embeddings: EmbeddingService,
    private readonly vectors: VectorStore,
  ) {}

  /** A hit test: the search, recorded in the dataset's query history, with hit counts kept. */
  async hitTest(workspaceId: string, datasetId: string, query: string, options: RetrievalOptions): Promise<RetrievedSegment[]> {
    const found = await this.retrieve(workspaceId, [datasetId], query, options);
    await this.record(workspaceId, [datasetId], query, 'hit_testing', found);
    return found;
  }

  /**
   * `lenient` (chat): datasets that are gone are skipped, and semantic search over datasets that have
   * no vectors falls back to full text, instead of failing the request.
   */
  async retrieve(
    workspaceId: string,
    datasetIds: string[],
    query: string,
    options: RetrievalOptions,
    { lenient = false }: { lenient?: boolean } = {},
  ): Promise<RetrievedSegment[]> {
    const owned = await this.db
      .select()
      .from(datasets)
      .where(and(eq(datasets.workspaceId, workspaceId), inArray(datasets.id, datasetIds)));
    if (!lenient && owned.length !== new Set(datasetIds).size) throw new NotFoundError('dataset not found');
    if (owned.length === 0) return [];
    const candidates = options.k * 2;
    const semanticOnly = options.strategy === RetrievalStrategy.Semantic;
    const noVectors = owned.every((d) => d.indexingTechnique !== IndexingTechnique.HighQuality);
    const ranked =
      options.strategy === RetrievalStrategy.FullText || (semanticOnly && lenient && noVectors)
        ? await this.fullText(owned, query, options.k)
        : semanticOnly
          ? await this.semantic(owned, query, options.k, true)
          : fuse(await this.semantic(owned, query, candidates, false), await this.fullText(owned, query, candidates));
    const kept = ranked.filter((hit) => hit.score >= options.score).slice(0, options.k);
    return this.describe(kept, owned);
  }

  /** Records the query and counts a hit on each returned segment. */
  async record(workspaceId: string, datasetIds: string[], query: string, source: string, found: RetrievedSegment[]): Promise<void> {
    await this.db.insert(datasetQueries).values(datasetIds.map((datasetId) => ({ datasetId, workspaceId, query, source })));
    if (found.length === 0) return;
    await this.db
      .update(segments)
      .set({ hitCount: sql`${segments.hitCount} + 1` })
      .where(
        inArray(
          segments.id,
          found.map((f) => f.segmentId),
        ),
      );
  }

  /** Per embedding model: one query embedding, then nearest neighbours in that model's datasets. */
  private async semantic(owned: Dataset[], query: string, k: number, required: boolean): Promise<Hit[]> {
    const vectorDatasets = owned.filter((d) => d.indexingTechnique === IndexingTechnique.HighQuality);
    if (vectorDatasets.length === 0) {
      if (required) throw new FailError('semantic search needs a high_quality dataset; economy datasets support full_text only');
      return [];
    }
    const byModel = new Map<string, Dataset[]>();
    for (const d of vectorDatasets)
      byModel.set(`${d.embeddingProvider}/${d.embeddingModel}`, [...(byModel.get(`${d.embeddingProvider}/${d.embeddingModel}`) ?? []), d]);
    const hits: Hit[] = [];
    for (const group of byModel.values()) {
      const [embedding] = await this.embeddings.embed(group[0]!, [query]);
      hits.push(
        ...(
          await this.vectors.search(
            group.map((d) => d.id),
            embedding!,
            k,
          )
        ).map((h) => ({ id: h.segmentId, score: h.score })),
      );
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }

  /**
   * Segments with all the query's words first, then, if fewer than k, those with any of them.
   * Ranked in SQL by ts_rank_cd over the GIN-indexed word vectors; rank/(rank+1) keeps scores in 0..1.
   */
  private async fullText(owned: Dataset[], query: string, k: number): Promise<Hit[]> {
    const all = searchQuery(query, '&');
    if (!all) return [];
    const ids = owned.map((d) => d.id);
    const hidden = await this.hiddenDocuments(ids);
    const strict = await this.rankText(ids, hidden, all, k);
    if (strict.length >= k || !all.includes(' & ')) return strict;
    const seen = new Set(strict.map((h) => h.id));
    const loose = (await this.rankText(ids, hidden, searchQuery(query, '|'), k)).filter((h) => !seen.has(h.id));
    return [...strict, ...loose].slice(0, k);
  }

  /**
   * Ranking needs every matching row, so very common words would make it scan most of a large
   * dataset: at most FULL_TEXT_CANDIDATES matches are ranked, which bounds the cost of such queries.
   */
  private async rankText(datasetIds: string[], hidden: string[], tsquery: string, k: number): Promise<Hit[]> {
    // One GIN scan, with hidden documents filtered on the way (a join here makes the planner
    // repeat the index scan once per document); only the matches are ranked.
    const { rows } = await this.db.execute(sql`WITH matches AS MATERIALIZED (
        SELECT s.id, s.tsv
        FROM segments s
        WHERE s.dataset_id IN (${sql.join(
          datasetIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) AND s.enabled AND s.tsv @@ to_tsquery('simple', ${tsquery})
          AND s.document_id <> ALL(${`{${hidden.join(',')}}`}::uuid[])
        LIMIT ${FULL_TEXT_CANDIDATES}
      )
      SELECT m.id, ts_rank_cd(m.tsv, q, 32) AS score
      FROM matches m, to_tsquery('simple', ${tsquery}) q
      ORDER BY score DESC, m.id
      LIMIT ${k}`);
    return rows.map((r) => ({ id: String(r.id), score: Number(r.score) }));
  }

  /** Documents of these datasets that must not be retrieved (disabled or not completed): usually none. */
  private async hiddenDocuments(datasetIds: string[]): Promise<string[]> {
    const rows = await this.db
      .select({ id: documents.id })
      .from(documents)
      .where(
        and(inArray(documents.datasetId, datasetIds), or(eq(documents.enabled, false), ne(documents.status, DocumentStatus.Completed))),
      );
    return rows.map((r) => r.id);
  }

  private async describe(hits: Hit[], owned: Dataset[]): Promise<RetrievedSegment[]> {
    if (hits.length === 0) return [];
    const rows = await this.db
      .select({ segment: segments, documentName: documents.name })
      .from(segments)
      .innerJoin(documents, eq(documents.id, segments.documentId))
      .where(
        inArray(
          segments.id,
          hits.map((h) => h.id),
        ),
      );
    const byId = new Map(rows.map((r) => [r.segment.id, r]));
    const names = new Map(owned.map((d) => [d.id, d.name]));
    return hits.flatMap((hit, i) => {
      const row = byId.get(hit.id);
      if (!row) return [];
      return [
        {
          position: i + 1,
          datasetId: row.segment.datasetId,
          datasetName: names.get(row.segment.datasetId) ?? '',
          documentId: row.segment.documentId,
          documentName: row.documentName,
          segmentId: row.segment.id,
          segmentPosition: row.segment.position,
          score: Math.round(hit.score * 10_000) / 10_000,
          content: row.segment.content,
        },
      ];
    });
  }
}

const FULL_TEXT_CANDIDATES = 1000;

interface Hit {
  id: string;
  score: number;
}

function fuse(semantic: Hit[], fullText: Hit[]): Hit[] {
  const lists = [semantic, fullText].filter((l) => l.length > 0).map((l) => l.map((h) => h.id));
  return reciprocalRankFusion(lists.length > 0 ? lists : [[]]);
}
