import { randomBytes } from 'node:crypto';
import { and, asc, count, eq, ilike, max } from 'drizzle-orm';
import { pageOffset, type PageRequest } from '../../../pkg/paginator/paginator.js';
import { DEFAULT_PROCESS_RULE, DocumentStatus, type ProcessRule } from '../../entity/dataset-entity.js';
import { JobName } from '../../entity/job-entity.js';
import type { Db } from '../../extension/database.js';
import type { Logger } from '../../extension/logger.js';
import type { Queue } from '../../extension/queue/queue.js';
import { NotFoundError } from '../../exception/app-error.js';
import { containsPattern } from '../../lib/pg-error.js';
import { documents, type DocumentRow } from '../../model/dataset.js';
import type { DatasetService } from './dataset-service.js';
import type { UploadFileService } from '../files/upload-file-service.js';
import { findInWorkspace, inWorkspace } from '../../lib/workspace-scope.js';

export interface CreateDocumentsInput {
  upload_file_ids: string[];
  process_type: 'automatic' | 'custom';
  rule?: ProcessRule | undefined;
}

export interface IndexJob {
  documentId: string;
}

/** Documents of a dataset: created in batches, indexed in the background, then managed one by one. */
export class DocumentService {
  constructor(
    private readonly db: Db,
    private readonly datasetService: DatasetService,
    private readonly uploads: UploadFileService,
    private readonly queue: Queue,
    private readonly logger: Logger,
  ) {}

  /** One document per file, all in one statement, then one indexing job each. */
  async create(workspaceId: string, datasetId: string, input: CreateDocumentsInput): Promise<{ batch: string; documents: DocumentRow[] }> {
    await this.datasetService.get(workspaceId, datasetId);
    const files = await this.uploads.ownedDocuments(workspaceId, [...new Set(input.upload_file_ids)]);
    const rule = input.process_type === 'custom' && input.rule ? input.rule : DEFAULT_PROCESS_RULE;
    const batch = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${randomBytes(4).toString('hex')}`;
    const rows = await this.db.transaction(async (tx) => {
      const [last] = await tx
        .select({ position: max(documents.position) })
        .from(documents)
        .where(eq(documents.datasetId, datasetId));
      const start = (last?.position ?? 0) + 1;
      return tx
        .insert(documents)
        .values(
          files.map((file, i) => ({
            datasetId,
            workspaceId,
            uploadFileId: file.id,
            batch,
            position: start + i,
            name: file.name,
            processRule: rule,
            status: DocumentStatus.Waiting,
          })),
        )
        .returning();
    });
    for (const doc of rows) await this.enqueueIndexing(doc.id);
    return { batch, documents: rows };
  }

  async enqueueIndexing(documentId: string): Promise<void> {
    try {
      await this.queue.enqueue<IndexJob>(JobName.DocumentIndex, { documentId }, { attempts: 1 });
    } catch (err) {
      // The document stays waiting; the next worker start picks it up again.
      this.logger.error({ err, documentId }, 'could not enqueue document indexing');
    }
  }

  get(workspaceId: string, datasetId: string, documentId: string): Promise<DocumentRow> {
    return findInWorkspace(this.db, documents, workspaceId, documentId, 'document not found', eq(documents.datasetId, datasetId));
  }

  async batch(workspaceId: string, datasetId: string, batch: string): Promise<DocumentRow[]> {
    await this.datasetService.get(workspaceId, datasetId);
    const rows = await this.db
      .select()
      .from(documents)
      .where(and(eq(documents.datasetId, datasetId), eq(documents.batch, batch)))
      .orderBy(asc(documents.position));
    if (rows.length === 0) throw new NotFoundError('batch not found');
    return rows;
  }

  async list(workspaceId: string, datasetId: string, request: PageRequest & { searchWord?: string | undefined }) {
    await this.datasetService.get(workspaceId, datasetId);
    const where = and(
      eq(documents.datasetId, datasetId),
      request.searchWord ? ilike(documents.name, containsPattern(request.searchWord)) : undefined,
    );
    const { limit, offset } = pageOffset(request);
    const [list, [total]] = await Promise.all([
      this.db.select().from(documents).where(where).orderBy(asc(documents.position)).limit(limit).offset(offset),
      this.db.select({ value: count() }).from(documents).where(where),
    ]);
    return { list, total: total?.value ?? 0 };
  }

  async rename(workspaceId: string, datasetId: string, documentId: string, name: string): Promise<DocumentRow> {
    return this.change(workspaceId, datasetId, documentId, { name });
  }

  /** A disabled document is never retrieved; its segments stay as they are. */
  async setEnabled(workspaceId: string, datasetId: string, documentId: string, enabled: boolean): Promise<DocumentRow> {
    return this.change(workspaceId, datasetId, documentId, { enabled });
  }

  /** Its segments, vectors and keywords go with it; a running indexing job finds it gone and stops. */
  async delete(workspaceId: string, datasetId: string, documentId: string): Promise<void> {
    const deleted = await this.db
      .delete(documents)
      .where(inWorkspace(documents, workspaceId, documentId, eq(documents.datasetId, datasetId)))
      .returning({ id: documents.id });
    if (deleted.length === 0) throw new NotFoundError('document not found');
  }

  private async change(
    workspaceId: string,
    datasetId: string,
    documentId: string,
    changes: Partial<Pick<DocumentRow, 'name' | 'enabled'>>,
  ) {
    const [doc] = await this.db
      .update(documents)
      .set({ ...changes, updatedAt: new Date() })
      .where(inWorkspace(documents, workspaceId, documentId, eq(documents.datasetId, datasetId)))
      .returning();
    if (!doc) throw new NotFoundError('document not found');
    return doc;
  }
}
