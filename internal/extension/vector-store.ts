import { sql } from 'drizzle-orm';
import type { Db } from './database.js';

export interface EmbeddingRow {
  segmentId: string;
  datasetId: string;
  documentId: string;
  embedding: number[];
}

export interface VectorHit {
  segmentId: string;
  /** Cosine similarity, 1 for the same direction. */
  score: number;
}

/**
 * Segment embeddings in pgvector. The table lives outside the migrations because a PostgreSQL
 * without the extension must still migrate and start; it is created here when `vector` exists.
 * Embedding models differ in dimensions, so each dimension count gets its own partial HNSW index.
 */
export class VectorStore {
  private readonly indexedDimensions = new Set<number>();

  constructor(
    private readonly db: Db,
    readonly available: boolean,
  ) {}

  async init(): Promise<void> {
    if (!this.available) return;
    await this.db.execute(sql`CREATE TABLE IF NOT EXISTS segment_embeddings (
      segment_id uuid PRIMARY KEY REFERENCES segments(id) ON DELETE CASCADE,
      dataset_id uuid NOT NULL,
      document_id uuid NOT NULL,
      dimensions integer NOT NULL,
      embedding vector NOT NULL
    )`);
    await this.db.execute(sql`CREATE INDEX IF NOT EXISTS segment_embeddings_document_idx ON segment_embeddings (document_id)`);
  }

  async upsert(rows: EmbeddingRow[]): Promise<void> {
    if (rows.length === 0) return;
    for (const dims of new Set(rows.map((r) => r.embedding.length))) await this.ensureIndex(dims);
    const values = sql.join(
      rows.map((r) => sql`(${r.segmentId}, ${r.datasetId}, ${r.documentId}, ${r.embedding.length}, ${toVector(r.embedding)}::vector)`),
      sql`, `,
    );
    await this.db.execute(sql`INSERT INTO segment_embeddings (segment_id, dataset_id, document_id, dimensions, embedding)
      VALUES ${values}
      ON CONFLICT (segment_id) DO UPDATE SET embedding = EXCLUDED.embedding, dimensions = EXCLUDED.dimensions`);
  }

  /**
   * The nearest enabled segments of completed, enabled documents. The nearest candidates come
   * from the HNSW index alone (an iterative scan keeps going until enough rows of these datasets
   * are found); visibility is checked on those candidates, so many disabled segments near the
   * query could leave fewer than k.
   */
  async search(datasetIds: string[], embedding: number[], k: number): Promise<VectorHit[]> {
    if (!this.available || datasetIds.length === 0) return [];
    const dims = embedding.length;
    const query = sql`${toVector(embedding)}::vector(${sql.raw(String(dims))})`;
    const column = sql`e.embedding::vector(${sql.raw(String(dims))})`;
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL hnsw.iterative_scan = relaxed_order`);
      const { rows } = await tx.execute(sql`WITH nearest AS MATERIALIZED (
          SELECT e.segment_id, e.document_id, ${column} <=> ${query} AS distance
          FROM segment_embeddings e
          WHERE e.dimensions = ${dims} AND e.dataset_id IN ${inList(datasetIds)}
          ORDER BY ${column} <=> ${query}
          LIMIT ${Math.max(40, k * CANDIDATES_PER_RESULT)}
        )
        SELECT n.segment_id, 1 - n.distance AS score
        FROM nearest n
        JOIN segments s ON s.id = n.segment_id AND s.enabled
        JOIN documents d ON d.id = n.document_id AND d.enabled AND d.status = 'completed'
        ORDER BY n.distance
        LIMIT ${k}`);
      return rows.map((r) => ({ segmentId: String(r.segment_id), score: Number(r.score) }));
    });
  }

  private async ensureIndex(dims: number): Promise<void> {
    if (this.indexedDimensions.has(dims)) return;
    if (!Number.isInteger(dims) || dims < 1 || dims > 16_000) throw new Error(`an embedding of ${dims} dimensions cannot be indexed`);
    try {
      await this.db.execute(
        sql.raw(`CREATE INDEX IF NOT EXISTS segment_embeddings_hnsw_${dims} ON segment_embeddings
          USING hnsw ((embedding::vector(${dims})) vector_cosine_ops) WHERE dimensions = ${dims}`),
      );
    } catch (err) {
      // Two processes creating the same index at once: the loser sees a duplicate; the index exists.
      if (!/already exists|duplicate key/i.test(String((err as Error).message))) throw err;
    }
    this.indexedDimensions.add(dims);
  }
}

/** Candidates taken from the index per result asked, to leave room for filtered-out segments. */
const CANDIDATES_PER_RESULT = 5;

function toVector(values: number[]): string {
  return `[${values.map((v) => (Number.isFinite(v) ? v : 0)).join(',')}]`;
}

function inList(ids: string[]) {
  return sql`(${sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}
