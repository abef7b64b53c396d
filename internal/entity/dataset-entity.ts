/** Knowledge bases: how they index, the life of a document, and how they are searched. */
export const IndexingTechnique = { HighQuality: 'high_quality', Economy: 'economy' } as const;
export type IndexingTechnique = (typeof IndexingTechnique)[keyof typeof IndexingTechnique];

export const DocumentStatus = {
  Waiting: 'waiting',
  Parsing: 'parsing',
  Splitting: 'splitting',
  Indexing: 'indexing',
  Completed: 'completed',
  Error: 'error',
} as const;
export type DocumentStatus = (typeof DocumentStatus)[keyof typeof DocumentStatus];
/** States a crashed or restarted process must pick up again. */
export const UNFINISHED_STATUSES: DocumentStatus[] = [
  DocumentStatus.Waiting,
  DocumentStatus.Parsing,
  DocumentStatus.Splitting,
  DocumentStatus.Indexing,
];

export const RetrievalStrategy = { Semantic: 'semantic', FullText: 'full_text', Hybrid: 'hybrid' } as const;
export type RetrievalStrategy = (typeof RetrievalStrategy)[keyof typeof RetrievalStrategy];

export interface ProcessRule {
  pre_process_rules: Array<{ id: 'remove_extra_space' | 'remove_url_and_email'; enabled: boolean }>;
  segment: { separators: string[]; chunk_size: number; chunk_overlap: number };
}

export const DEFAULT_PROCESS_RULE: ProcessRule = {
  pre_process_rules: [
    { id: 'remove_extra_space', enabled: true },
    { id: 'remove_url_and_email', enabled: false },
  ],
  segment: { separators: ['\n\n', '\n', '。', '. ', '！', '? ', '？', '；', '; ', '，', ', ', ' '], chunk_size: 500, chunk_overlap: 50 },
};

/** Texts sent to the embedding model in one call. */
export const EMBEDDING_BATCH_SIZE = 32;
export const DATASET_DEFAULT_ICON = '📚';

export interface DatasetStats {
  documentCount: number;
  characterCount: number;
  hitCount: number;
}

/** A segment found by retrieval, with what a client needs to cite it. */
export interface RetrievedSegment {
  position: number;
  datasetId: string;
  datasetName: string;
  documentId: string;
  documentName: string;
  segmentId: string;
  segmentPosition: number;
  score: number;
  content: string;
}

/** A retrieved segment as clients see it, in hit tests and in `message_end.metadata.retriever_resources`. */
export interface Citation {
  position: number;
  dataset_id: string;
  dataset_name: string;
  document_id: string;
  document_name: string;
  segment_id: string;
  segment_position: number;
  score: number;
  content: string;
}

export function citationOf(r: RetrievedSegment): Citation {
  return {
    position: r.position,
    dataset_id: r.datasetId,
    dataset_name: r.datasetName,
    document_id: r.documentId,
    document_name: r.documentName,
    segment_id: r.segmentId,
    segment_position: r.segmentPosition,
    score: r.score,
    content: r.content,
  };
}
