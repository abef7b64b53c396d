import type { DatasetHandler } from '../../handler/console/dataset-handler.js';
import type { DocumentHandler } from '../../handler/console/document-handler.js';
import { messageEnvelope, pageQuery } from '../../schema/common-schema.js';
import {
  batchParams,
  createDatasetBody,
  createDocumentsBody,
  createSegmentBody,
  datasetPageResponse,
  datasetParams,
  datasetResponse,
  documentBatchResponse,
  documentPageResponse,
  documentParams,
  documentResponse,
  enabledBody,
  hitBody,
  hitResponse,
  queriesQuery,
  queriesResponse,
  renameDocumentBody,
  segmentPageResponse,
  segmentParams,
  segmentResponse,
  updateDatasetBody,
  updateSegmentBody,
} from '../../schema/dataset-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

export function registerDatasetRoutes(server: HttpServer, h: { dataset: DatasetHandler; document: DocumentHandler }): void {
  const t = 'datasets';
  const d = h.dataset;
  server.post(
    '/datasets',
    route(Permission.DatasetsManage, t, 'Create a dataset', { body: createDatasetBody, response: { 200: datasetResponse } }),
    d.create,
  );
  server.get(
    '/datasets',
    route(Permission.DatasetsManage, t, 'List datasets, newest first', { querystring: pageQuery, response: { 200: datasetPageResponse } }),
    d.list,
  );
  server.get(
    '/datasets/:dataset_id',
    route(Permission.DatasetsManage, t, 'A dataset with its document, character and hit counts', {
      params: datasetParams,
      response: { 200: datasetResponse },
    }),
    d.get,
  );
  server.post(
    '/datasets/:dataset_id',
    route(Permission.DatasetsManage, t, 'Update name, icon or description', {
      params: datasetParams,
      body: updateDatasetBody,
      response: { 200: datasetResponse },
    }),
    d.update,
  );
  server.post(
    '/datasets/:dataset_id/delete',
    route(Permission.DatasetsManage, t, 'Delete a dataset with its documents, segments, vectors and keywords', {
      params: datasetParams,
      response: { 200: messageEnvelope },
    }),
    d.delete,
  );
  server.post(
    '/datasets/:dataset_id/hit',
    route(Permission.DatasetsManage, t, 'Hit test: search the dataset', {
      params: datasetParams,
      body: hitBody,
      response: { 200: hitResponse },
    }),
    d.hit,
  );
  server.get(
    '/datasets/:dataset_id/queries',
    route(Permission.DatasetsManage, t, 'The last hit-test queries', {
      params: datasetParams,
      querystring: queriesQuery,
      response: { 200: queriesResponse },
    }),
    d.queries,
  );

  const td = 'documents';
  const doc = h.document;
  const base = '/datasets/:dataset_id/documents';
  server.post(
    base,
    route(Permission.DatasetsManage, td, 'Add uploaded files as documents; each is indexed in the background', {
      params: datasetParams,
      body: createDocumentsBody,
      response: { 200: documentBatchResponse },
    }),
    doc.create,
  );
  server.get(
    base,
    route(Permission.DatasetsManage, td, 'List documents', {
      params: datasetParams,
      querystring: pageQuery,
      response: { 200: documentPageResponse },
    }),
    doc.list,
  );
  server.get(
    `${base}/batch/:batch`,
    route(Permission.DatasetsManage, td, 'Indexing status of a batch', { params: batchParams, response: { 200: documentBatchResponse } }),
    doc.batch,
  );
  server.get(
    `${base}/:document_id`,
    route(Permission.DatasetsManage, td, 'A document', { params: documentParams, response: { 200: documentResponse } }),
    doc.get,
  );
  server.post(
    `${base}/:document_id/name`,
    route(Permission.DatasetsManage, td, 'Rename a document', {
      params: documentParams,
      body: renameDocumentBody,
      response: { 200: documentResponse },
    }),
    doc.rename,
  );
  server.post(
    `${base}/:document_id/enabled`,
    route(Permission.DatasetsManage, td, 'Enable or disable a document (a disabled one is never retrieved)', {
      params: documentParams,
      body: enabledBody,
      response: { 200: documentResponse },
    }),
    doc.setEnabled,
  );
  server.post(
    `${base}/:document_id/delete`,
    route(Permission.DatasetsManage, td, 'Delete a document with its segments', {
      params: documentParams,
      response: { 200: messageEnvelope },
    }),
    doc.delete,
  );

  const seg = `${base}/:document_id/segments`;
  server.get(
    seg,
    route(Permission.DatasetsManage, td, 'Segments of a document', {
      params: documentParams,
      querystring: pageQuery,
      response: { 200: segmentPageResponse },
    }),
    doc.listSegments,
  );
  server.post(
    seg,
    route(Permission.DatasetsManage, td, 'Add a segment (embedded and indexed at once)', {
      params: documentParams,
      body: createSegmentBody,
      response: { 200: segmentResponse },
    }),
    doc.addSegment,
  );
  server.get(
    `${seg}/:segment_id`,
    route(Permission.DatasetsManage, td, 'A segment', { params: segmentParams, response: { 200: segmentResponse } }),
    doc.getSegment,
  );
  server.post(
    `${seg}/:segment_id`,
    route(Permission.DatasetsManage, td, 'Edit content or keywords (re-embedded and re-indexed at once)', {
      params: segmentParams,
      body: updateSegmentBody,
      response: { 200: segmentResponse },
    }),
    doc.updateSegment,
  );
  server.post(
    `${seg}/:segment_id/enabled`,
    route(Permission.DatasetsManage, td, 'Enable or disable a segment', {
      params: segmentParams,
      body: enabledBody,
      response: { 200: segmentResponse },
    }),
    doc.setSegmentEnabled,
  );
  server.post(
    `${seg}/:segment_id/delete`,
    route(Permission.DatasetsManage, td, 'Delete a segment', { params: segmentParams, response: { 200: messageEnvelope } }),
    doc.deleteSegment,
  );
}
