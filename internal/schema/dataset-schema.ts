import { z } from 'zod';
import {
  citationOf,
  DocumentStatus,
  IndexingTechnique,
  RetrievalStrategy,
  type DatasetStats,
  type RetrievedSegment,
} from '../entity/dataset-entity.js';
import { unixSeconds } from '../lib/time.js';
import { DatasetPermission } from '../entity/workspace-entity.js';
import type { Dataset, DocumentRow, Segment } from '../model/dataset.js';
import { icon } from './app-schema.js';
import { envelope, pageOf, trimmed, unixTime } from './common-schema.js';

const uuid = z.uuid('must be a UUID');
export const datasetParams = z.object({ dataset_id: uuid });
export const documentParams = z.object({ dataset_id: uuid, document_id: uuid });
export const batchParams = z.object({ dataset_id: uuid, batch: z.string().regex(/^[0-9a-f]{22}$/, 'is not a batch id') });
export const segmentParams = z.object({ dataset_id: uuid, document_id: uuid, segment_id: uuid });

const name = trimmed(1, 100);
const description = z.string().trim().max(400, 'must be at most 400 characters');
const modelRef = z.object({ provider: z.string().trim().min(1).max(64), model: z.string().trim().min(1).max(200) });

const permission = z.enum(Object.values(DatasetPermission)).describe('who in the workspace sees it (owners and admins see all)');
const partialMemberList = z.array(uuid).max(200).describe('account ids that see a partial_members dataset');

export const createDatasetBody = z
  .object({
    name,
    icon: icon.optional(),
    description: description.optional(),
    indexing_technique: z.enum(Object.values(IndexingTechnique)),
    embedding_model: modelRef.optional().describe('required for high_quality'),
    permission: permission.default('only_me'),
    partial_member_list: partialMemberList.optional(),
  })
  .refine((b) => b.indexing_technique === 'economy' || b.embedding_model, {
    message: 'a high_quality dataset needs an embedding model',
    path: ['embedding_model'],
  });
export const updateDatasetBody = z
  .object({
    name: name.optional(),
    icon: icon.optional(),
    description: description.optional(),
    permission: permission.optional(),
    partial_member_list: partialMemberList.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one of name, icon, description, permission')
  .refine((b) => b.partial_member_list === undefined || b.permission === 'partial_members', {
    message: 'is for permission partial_members only',
    path: ['partial_member_list'],
  });

const separator = z.string().min(1).max(16);
export const processRule = z.object({
  pre_process_rules: z.array(z.object({ id: z.enum(['remove_extra_space', 'remove_url_and_email']), enabled: z.boolean() })).max(2),
  segment: z
    .object({
      separators: z.array(separator).min(1).max(20),
      chunk_size: z.number().int().min(50).max(4000),
      chunk_overlap: z.number().int().min(0).max(1000),
    })
    .refine((s) => s.chunk_overlap < s.chunk_size, { message: 'must be smaller than chunk_size', path: ['chunk_overlap'] }),
});
export const createDocumentsBody = z
  .object({
    upload_file_ids: z.array(uuid).min(1, 'give at least one file').max(100),
    process_type: z.enum(['automatic', 'custom']).default('automatic'),
    rule: processRule.optional(),
  })
  .refine((b) => b.process_type === 'automatic' || b.rule, { message: 'custom processing needs a rule', path: ['rule'] });
export const renameDocumentBody = z.object({ name: trimmed(1, 255) });
export const enabledBody = z.object({ enabled: z.boolean() });

const keywords = z.array(z.string().trim().min(1).max(50)).max(20);
export const createSegmentBody = z.object({ content: trimmed(1, 20_000), keywords: keywords.optional() });
export const updateSegmentBody = z
  .object({ content: trimmed(1, 20_000).optional(), keywords: keywords.optional() })
  .refine((b) => b.content !== undefined || b.keywords !== undefined, 'give content or keywords');

export const retrievalOptions = z.object({
  retrieval_strategy: z.enum(Object.values(RetrievalStrategy)).default('semantic'),
  k: z.number().int().min(1).max(10).default(4),
  score: z.number().min(0).max(1).default(0),
});
export const hitBody = retrievalOptions.extend({ query: trimmed(1, 1000) });
export const queriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

const datasetItem = z.object({
  id: z.uuid(),
  name: z.string(),
  icon: z.string(),
  description: z.string(),
  indexing_technique: z.enum(Object.values(IndexingTechnique)),
  embedding_model: modelRef.nullable(),
  document_count: z.number().int(),
  character_count: z.number().int(),
  hit_count: z.number().int(),
  permission,
  partial_member_list: z.array(z.uuid()),
  created_by: z.uuid().nullable(),
  apps: z
    .array(z.object({ id: z.uuid(), name: z.string() }))
    .optional()
    .describe('apps whose draft uses the dataset (on GET /datasets/:id)'),
  created_at: unixTime,
  updated_at: unixTime,
});
export const datasetResponse = envelope(datasetItem);
export const datasetPageResponse = pageOf(datasetItem);

const documentItem = z.object({
  id: z.uuid(),
  dataset_id: z.uuid(),
  upload_file_id: z.uuid(),
  batch: z.string(),
  position: z.number().int(),
  name: z.string(),
  status: z.enum(Object.values(DocumentStatus)),
  error: z.string(),
  enabled: z.boolean(),
  character_count: z.number().int(),
  token_count: z.number().int(),
  segment_count: z.number().int(),
  indexed_segment_count: z.number().int(),
  parsing_started_at: unixTime.nullable(),
  splitting_started_at: unixTime.nullable(),
  indexing_started_at: unixTime.nullable(),
  completed_at: unixTime.nullable(),
  created_at: unixTime,
  updated_at: unixTime,
});
export const documentResponse = envelope(documentItem);
export const documentPageResponse = pageOf(documentItem);
export const documentBatchResponse = envelope(z.object({ batch: z.string(), documents: z.array(documentItem) }));

const segmentItem = z.object({
  id: z.uuid(),
  document_id: z.uuid(),
  position: z.number().int(),
  content: z.string(),
  keywords: z.array(z.string()),
  character_count: z.number().int(),
  token_count: z.number().int(),
  hit_count: z.number().int(),
  enabled: z.boolean(),
  created_at: unixTime,
  updated_at: unixTime,
});
export const segmentResponse = envelope(segmentItem);
export const segmentPageResponse = pageOf(segmentItem);

export const retrievedItem = z.object({
  position: z.number().int(),
  dataset_id: z.uuid(),
  dataset_name: z.string(),
  document_id: z.uuid(),
  document_name: z.string(),
  segment_id: z.uuid(),
  segment_position: z.number().int(),
  score: z.number(),
  content: z.string(),
});
export const hitResponse = envelope(z.object({ query: z.string(), records: z.array(retrievedItem) }));
export const queriesResponse = envelope(z.array(z.object({ id: z.uuid(), query: z.string(), source: z.string(), created_at: unixTime })));

const maybeTime = (d: Date | null) => (d ? unixSeconds(d) : null);

export function datasetView(d: Dataset, stats: DatasetStats | undefined, members: string[] = []): z.infer<typeof datasetItem> {
  return {
    id: d.id,
    name: d.name,
    icon: d.icon,
    description: d.description,
    indexing_technique: d.indexingTechnique,
    embedding_model: d.embeddingModel ? { provider: d.embeddingProvider, model: d.embeddingModel } : null,
    document_count: stats?.documentCount ?? 0,
    character_count: stats?.characterCount ?? 0,
    hit_count: stats?.hitCount ?? 0,
    permission: d.permission,
    partial_member_list: d.permission === 'partial_members' ? members : [],
    created_by: d.createdBy,
    created_at: unixSeconds(d.createdAt),
    updated_at: unixSeconds(d.updatedAt),
  };
}

export function documentView(d: DocumentRow): z.infer<typeof documentItem> {
  return {
    id: d.id,
    dataset_id: d.datasetId,
    upload_file_id: d.uploadFileId,
    batch: d.batch,
    position: d.position,
    name: d.name,
    status: d.status,
    error: d.error,
    enabled: d.enabled,
    character_count: d.characterCount,
    token_count: d.tokenCount,
    segment_count: d.segmentCount,
    indexed_segment_count: d.indexedSegmentCount,
    parsing_started_at: maybeTime(d.parsingStartedAt),
    splitting_started_at: maybeTime(d.splittingStartedAt),
    indexing_started_at: maybeTime(d.indexingStartedAt),
    completed_at: maybeTime(d.completedAt),
    created_at: unixSeconds(d.createdAt),
    updated_at: unixSeconds(d.updatedAt),
  };
}

export function segmentView(s: Segment): z.infer<typeof segmentItem> {
  return {
    id: s.id,
    document_id: s.documentId,
    position: s.position,
    content: s.content,
    keywords: s.keywords,
    character_count: s.characterCount,
    token_count: s.tokenCount,
    hit_count: s.hitCount,
    enabled: s.enabled,
    created_at: unixSeconds(s.createdAt),
    updated_at: unixSeconds(s.updatedAt),
  };
}

export const retrievedView: (r: RetrievedSegment) => z.infer<typeof retrievedItem> = citationOf;
