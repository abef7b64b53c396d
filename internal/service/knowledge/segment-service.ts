import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, ilike, max, sql } from 'drizzle-orm';
import { pageOffset, type PageRequest } from '../../../pkg/paginator/paginator.js';
import { loadTokenizer } from '../../core/llm/token-counter.js';
import { IndexingTechnique } from '../../entity/dataset-entity.js';
import type { Db } from '../../extension/database.js';
import type { VectorStore } from '../../extension/vector-store.js';
import { containsPattern } from '../../lib/pg-error.js';
import { documents, segments, type Dataset, type Segment } from '../../model/dataset.js';
import type { DatasetService } from './dataset-service.js';
import type { DocumentService } from './document-service.js';
import type { EmbeddingService } from './embedding-service.js';
import { segmentValues } from './segment-values.js';
import { findInWorkspace } from '../../lib/workspace-scope.js';

export interface SegmentInput {
  content: string;
  keywords?: string[] | undefined;
}

/** Segments edited by hand: every change is re-embedded and re-indexed before the call returns. */
export class SegmentService {
  constructor(
    private readonly db: Db,
    private readonly datasetService: DatasetService,
    private readonly documentService: DocumentService,
    private readonly embeddings: EmbeddingService,
    private readonly vectors: VectorStore,
  ) {}

  async list(workspaceId: string, datasetId: string, documentId: string, request: PageRequest & { searchWord?: string | undefined }) {
    await this.documentService.get(workspaceId, datasetId, documentId);
    const where = and(
      eq(segments.documentId, documentId),
      request.searchWord ? ilike(segments.content, containsPattern(request.searchWord)) : undefined,
    );
    const { limit, offset } = pageOffset(request);
    const [list, [total]] = await Promise.all([
      this.db.select().from(segments).where(where).orderBy(asc(segments.position)).limit(limit).offset(offset),
      this.db.select({ value: count() }).from(segments).where(where),
    ]);
    return { list, total: total?.value ?? 0 };
  }

  get(workspaceId: string, datasetId: string, documentId: string, segmentId: string): Promise<Segment> {
    const inDocument = and(eq(segments.documentId, documentId), eq(segments.datasetId, datasetId));
    return findInWorkspace(this.db, segments, workspaceId, segmentId, 'segment not found', inDocument);
  }

  async add(workspaceId: string, datasetId: string, documentId: string, input: SegmentInput): Promise<Segment> {
    const dataset = await this.datasetService.get(workspaceId, datasetId);
    await this.documentService.get(workspaceId, datasetId, documentId);
    await loadTokenizer();
    const id = randomUUID();
    // Embed first: a failing model call leaves nothing behind.
    const embedding = await this.embedOne(dataset, input.content);
    const segment = await this.db.transaction(async (tx) => {
      const [last] = await tx
        .select({ position: max(segments.position) })
        .from(segments)
        .where(eq(segments.documentId, documentId));
      const [row] = await tx
        .insert(segments)
        .values({
          id,
          datasetId,
          documentId,
          workspaceId,
          position: (last?.position ?? 0) + 1,
          ...segmentValues(input.content, input.keywords),
        })
        .returning();
      await tx
        .update(documents)
        .set({
          segmentCount: sql`${documents.segmentCount} + 1`,
          indexedSegmentCount: sql`${documents.indexedSegmentCount} + 1`,
          characterCount: sql`${documents.characterCount} + ${row!.characterCount}`,
          updatedAt: new Date(),
        })
        .where(eq(documents.id, documentId));
      return row!;
    });
    if (embedding) await this.vectors.upsert([{ segmentId: id, datasetId, documentId, embedding }]);
    return segment;
  }

  async update(
    workspaceId: string,
    datasetId: string,
    documentId: string,
    segmentId: string,
    input: Partial<SegmentInput>,
  ): Promise<Segment> {
    const dataset = await this.datasetService.get(workspaceId, datasetId);
    const current = await this.get(workspaceId, datasetId, documentId, segmentId);
    await loadTokenizer();
    const content = input.content ?? current.content;
    const keywords = input.keywords ?? (input.content === undefined ? current.keywords : undefined);
    const embedding = input.content !== undefined ? await this.embedOne(dataset, content) : undefined;
    const [segment] = await this.db
      .update(segments)
      .set({ ...segmentValues(content, keywords), updatedAt: new Date() })
      .where(eq(segments.id, segmentId))
      .returning();
    if (embedding) await this.vectors.upsert([{ segmentId, datasetId, documentId, embedding }]);
    return segment!;
  }

  async setEnabled(workspaceId: string, datasetId: string, documentId: string, segmentId: string, enabled: boolean): Promise<Segment> {
    await this.get(workspaceId, datasetId, documentId, segmentId);
    const [segment] = await this.db.update(segments).set({ enabled, updatedAt: new Date() }).where(eq(segments.id, segmentId)).returning();
    return segment!;
  }

  async delete(workspaceId: string, datasetId: string, documentId: string, segmentId: string): Promise<void> {
    const segment = await this.get(workspaceId, datasetId, documentId, segmentId);
    await this.db.transaction(async (tx) => {
      await tx.delete(segments).where(eq(segments.id, segmentId));
      await tx
        .update(documents)
        .set({
          segmentCount: sql`greatest(${documents.segmentCount} - 1, 0)`,
          indexedSegmentCount: sql`greatest(${documents.indexedSegmentCount} - 1, 0)`,
          characterCount: sql`greatest(${documents.characterCount} - ${segment.characterCount}, 0)`,
          updatedAt: new Date(),
        })
        .where(eq(documents.id, documentId));
    });
  }

  private async embedOne(dataset: Dataset, content: string): Promise<number[] | undefined> {
    if (dataset.indexingTechnique !== IndexingTechnique.HighQuality) return undefined;
    const [embedding] = await this.embeddings.embed(dataset, [content]);
    return embedding;
  }
}
