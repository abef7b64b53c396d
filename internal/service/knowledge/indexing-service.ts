import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { ExtractError, extractText } from '../../core/extract/text-extractor.js';
import { LlmError } from '../../core/llm/llm-types.js';
import { countTextTokens, loadTokenizer } from '../../core/llm/token-counter.js';
import { cleanText } from '../../core/splitter/text-cleaner.js';
import { splitText } from '../../core/splitter/recursive-splitter.js';
import { DocumentStatus, EMBEDDING_BATCH_SIZE, IndexingTechnique, UNFINISHED_STATUSES } from '../../entity/dataset-entity.js';
import type { Db } from '../../extension/database.js';
import type { Logger } from '../../extension/logger.js';
import type { VectorStore } from '../../extension/vector-store.js';
import { datasets, documents, segments, type Dataset, type DocumentRow } from '../../model/dataset.js';
import { uploadFiles } from '../../model/upload-file.js';
import type { DocumentService } from './document-service.js';
import type { EmbeddingService } from './embedding-service.js';
import { segmentValues } from './segment-values.js';
import type { UploadFileService } from '../files/upload-file-service.js';

/** Segments written per INSERT statement. */
const INSERT_BATCH = 500;

/** Raised when another run has taken the document over, or the document was deleted. */
class RunSupersededError extends Error {}

/** What IndexingService is built from (named, so the composition root reads as a list). */
export interface IndexingServiceDeps {
  db: Db;
  uploads: UploadFileService;
  embeddings: EmbeddingService;
  vectors: VectorStore;
  documentService: DocumentService;
  logger: Logger;
}

/**
 * parse -> clean -> split -> write segments and keywords -> embed -> completed.
 * Idempotent and crash-safe: a run claims the document with a run id, replaces the document's
 * segments in one transaction, and only a completed document is ever retrieved. A run that
 * finds another run's id (or no document) stops without writing.
 */
export class IndexingService {
  private readonly db: Db;
  private readonly uploads: UploadFileService;
  private readonly embeddings: EmbeddingService;
  private readonly vectors: VectorStore;
  private readonly documentService: DocumentService;
  private readonly logger: Logger;

  constructor(deps: IndexingServiceDeps) {
    this.db = deps.db;
    this.uploads = deps.uploads;
    this.embeddings = deps.embeddings;
    this.vectors = deps.vectors;
    this.documentService = deps.documentService;
    this.logger = deps.logger;
  }

  /** `signal` aborts on shutdown: the run stops where it is, and the document stays unfinished for the next run. */
  async index(documentId: string, signal?: AbortSignal): Promise<void> {
    const run = randomUUID();
    const [doc] = await this.db
      .update(documents)
      .set({ indexingRun: run, status: DocumentStatus.Parsing, error: '', parsingStartedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(documents.id, documentId), inArray(documents.status, UNFINISHED_STATUSES)))
      .returning();
    if (!doc) return; // finished, failed for good, or deleted: nothing to do
    try {
      await this.run(doc, run, signal);
    } catch (err) {
      if (err instanceof RunSupersededError) return;
      if (signal?.aborted) throw err;
      const message = err instanceof ExtractError || err instanceof LlmError ? err.message : 'indexing failed; see the server log';
      if (!(err instanceof ExtractError || err instanceof LlmError)) this.logger.error({ err, documentId }, 'document indexing failed');
      await this.db
        .update(documents)
        .set({ status: DocumentStatus.Error, error: message, updatedAt: new Date() })
        .where(and(eq(documents.id, documentId), eq(documents.indexingRun, run)));
    }
  }

  /** Re-queues documents a stopped process left unfinished. */
  async resumeUnfinished(): Promise<number> {
    const rows = await this.db.select({ id: documents.id }).from(documents).where(inArray(documents.status, UNFINISHED_STATUSES));
    for (const row of rows) await this.documentService.enqueueIndexing(row.id);
    if (rows.length > 0) this.logger.info({ documents: rows.length }, 'resumed unfinished document indexing');
    return rows.length;
  }

  private async run(doc: DocumentRow, run: string, signal: AbortSignal | undefined): Promise<void> {
    await loadTokenizer();
    const [file] = await this.db.select().from(uploadFiles).where(eq(uploadFiles.id, doc.uploadFileId)).limit(1);
    const [dataset] = await this.db.select().from(datasets).where(eq(datasets.id, doc.datasetId)).limit(1);
    if (!file || !dataset) throw new RunSupersededError();
    const text = cleanText(await extractText(file.extension, await this.uploads.contentOf(file)), doc.processRule.pre_process_rules);

    await this.advance(doc.id, run, { status: DocumentStatus.Splitting, splittingStartedAt: new Date() });
    const { separators, chunk_size, chunk_overlap } = doc.processRule.segment;
    const chunks = splitText(text, { separators, chunkSize: chunk_size, chunkOverlap: chunk_overlap }, countTextTokens);
    if (chunks.length === 0) throw new ExtractError('the document has no text to index');

    await this.advance(doc.id, run, {
      status: DocumentStatus.Indexing,
      indexingStartedAt: new Date(),
      segmentCount: chunks.length,
      indexedSegmentCount: 0,
      characterCount: [...text].length,
      tokenCount: countTextTokens(text),
    });
    const ids = await this.replaceSegments(doc, run, chunks);
    if (dataset.indexingTechnique === IndexingTechnique.HighQuality) await this.embedSegments(doc, dataset, run, ids, chunks, signal);
    await this.advance(doc.id, run, { status: DocumentStatus.Completed, indexedSegmentCount: chunks.length, completedAt: new Date() });
  }

  /** Old segments out, new ones in, in one transaction under the document's row lock. */
  private async replaceSegments(doc: DocumentRow, run: string, chunks: string[]): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.execute(sql`SELECT indexing_run FROM documents WHERE id = ${doc.id} FOR UPDATE`);
      if (rows[0]?.indexing_run !== run) throw new RunSupersededError();
      await tx.delete(segments).where(eq(segments.documentId, doc.id));
      const ids: string[] = [];
      for (let start = 0; start < chunks.length; start += INSERT_BATCH) {
        const values = chunks.slice(start, start + INSERT_BATCH).map((content, i) => {
          const id = randomUUID();
          ids.push(id);
          return {
            id,
            datasetId: doc.datasetId,
            documentId: doc.id,
            workspaceId: doc.workspaceId,
            position: start + i + 1,
            ...segmentValues(content),
          };
        });
        await tx.insert(segments).values(values);
      }
      return ids;
    });
  }

  private async embedSegments(
    doc: DocumentRow,
    dataset: Dataset,
    run: string,
    ids: string[],
    chunks: string[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    for (let start = 0; start < chunks.length; start += EMBEDDING_BATCH_SIZE * 4) {
      signal?.throwIfAborted();
      const end = Math.min(chunks.length, start + EMBEDDING_BATCH_SIZE * 4);
      const vectors = await this.embeddings.embed(dataset, chunks.slice(start, end), 'background', signal);
      await this.vectors.upsert(
        vectors.map((embedding, i) => ({ segmentId: ids[start + i]!, datasetId: doc.datasetId, documentId: doc.id, embedding })),
      );
      await this.advance(doc.id, run, { indexedSegmentCount: end });
    }
  }

  /** Moves the document on, if this run still owns it. */
  private async advance(documentId: string, run: string, changes: Partial<DocumentRow>): Promise<void> {
    const updated = await this.db
      .update(documents)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(documents.id, documentId), eq(documents.indexingRun, run)))
      .returning({ id: documents.id });
    if (updated.length === 0) throw new RunSupersededError();
  }
}
