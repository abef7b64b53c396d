import { page, success, successMessage } from '../../../pkg/response/response.js';
import { paginatorOf } from '../../../pkg/paginator/paginator.js';
import type { pageQuery } from '../../schema/common-schema.js';
import {
  documentView,
  segmentView,
  type batchParams,
  type createDocumentsBody,
  type createSegmentBody,
  type datasetParams,
  type documentParams,
  type enabledBody,
  type renameDocumentBody,
  type segmentParams,
  type updateSegmentBody,
} from '../../schema/dataset-schema.js';
import type { DocumentService } from '../../service/knowledge/document-service.js';
import type { DatasetAccess } from '../../service/knowledge/dataset-access.js';
import type { SegmentService } from '../../service/knowledge/segment-service.js';
import type { FastifyRequest } from 'fastify';
import { currentActor } from '../../middleware/auth.js';
import type { Validated } from '../request-types.js';

type DocParams = { params: typeof documentParams };
type SegParams = { params: typeof segmentParams };

/** Documents of a dataset and their segments. */
export class DocumentHandler {
  constructor(
    private readonly documents: DocumentService,
    private readonly segments: SegmentService,
    private readonly access: DatasetAccess,
  ) {}

  /** Every route here is under a dataset: the member must see it (its permission) before anything in it is touched. */
  private async workspaceOf(req: FastifyRequest): Promise<string> {
    const datasetId = (req.params as { dataset_id: string }).dataset_id;
    return (await this.access.check(currentActor(req), datasetId)).workspaceId;
  }

  create = async (req: Validated<{ params: typeof datasetParams; body: typeof createDocumentsBody }>) => {
    const { batch, documents } = await this.documents.create(await this.workspaceOf(req), req.params.dataset_id, req.body);
    return success({ batch, documents: documents.map(documentView) }, 'documents queued for indexing');
  };

  batch = async (req: Validated<{ params: typeof batchParams }>) => {
    const documents = await this.documents.batch(await this.workspaceOf(req), req.params.dataset_id, req.params.batch);
    return success({ batch: req.params.batch, documents: documents.map(documentView) });
  };

  list = async (req: Validated<{ params: typeof datasetParams; query: typeof pageQuery }>) => {
    const pageRequest = { currentPage: req.query.current_page, pageSize: req.query.page_size };
    const { list, total } = await this.documents.list(await this.workspaceOf(req), req.params.dataset_id, {
      ...pageRequest,
      searchWord: req.query.search_word || undefined,
    });
    return page(list.map(documentView), paginatorOf(pageRequest, total));
  };

  get = async (req: Validated<DocParams>) =>
    success(documentView(await this.documents.get(await this.workspaceOf(req), req.params.dataset_id, req.params.document_id)));

  rename = async (req: Validated<DocParams & { body: typeof renameDocumentBody }>) =>
    success(
      documentView(await this.documents.rename(await this.workspaceOf(req), req.params.dataset_id, req.params.document_id, req.body.name)),
      'document renamed',
    );

  setEnabled = async (req: Validated<DocParams & { body: typeof enabledBody }>) =>
    success(
      documentView(
        await this.documents.setEnabled(await this.workspaceOf(req), req.params.dataset_id, req.params.document_id, req.body.enabled),
      ),
    );

  delete = async (req: Validated<DocParams>) => {
    await this.documents.delete(await this.workspaceOf(req), req.params.dataset_id, req.params.document_id);
    return successMessage('document deleted');
  };

  listSegments = async (req: Validated<DocParams & { query: typeof pageQuery }>) => {
    const pageRequest = { currentPage: req.query.current_page, pageSize: req.query.page_size };
    const { list, total } = await this.segments.list(await this.workspaceOf(req), req.params.dataset_id, req.params.document_id, {
      ...pageRequest,
      searchWord: req.query.search_word || undefined,
    });
    return page(list.map(segmentView), paginatorOf(pageRequest, total));
  };

  addSegment = async (req: Validated<DocParams & { body: typeof createSegmentBody }>) =>
    success(
      segmentView(await this.segments.add(await this.workspaceOf(req), req.params.dataset_id, req.params.document_id, req.body)),
      'segment added',
    );

  getSegment = async (req: Validated<SegParams>) => {
    const { dataset_id, document_id, segment_id } = req.params;
    return success(segmentView(await this.segments.get(await this.workspaceOf(req), dataset_id, document_id, segment_id)));
  };

  updateSegment = async (req: Validated<SegParams & { body: typeof updateSegmentBody }>) => {
    const { dataset_id, document_id, segment_id } = req.params;
    return success(
      segmentView(await this.segments.update(await this.workspaceOf(req), dataset_id, document_id, segment_id, req.body)),
      'segment updated',
    );
  };

  setSegmentEnabled = async (req: Validated<SegParams & { body: typeof enabledBody }>) => {
    const { dataset_id, document_id, segment_id } = req.params;
    return success(
      segmentView(await this.segments.setEnabled(await this.workspaceOf(req), dataset_id, document_id, segment_id, req.body.enabled)),
    );
  };

  deleteSegment = async (req: Validated<SegParams>) => {
    const { dataset_id, document_id, segment_id } = req.params;
    await this.segments.delete(await this.workspaceOf(req), dataset_id, document_id, segment_id);
    return successMessage('segment deleted');
  };
}
