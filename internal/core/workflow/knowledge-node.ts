import type { NodeExecutor } from './engine.js';
import { asText } from './variable-pool.js';

/** A retrieved segment as the knowledge node hands it on. */
export interface KnowledgeHit {
  content: string;
  title: string;
  metadata: Record<string, unknown>;
}

/** Searches the workspace's datasets (the ones it still has); `k` at most, scores of at least `score`. */
export type KnowledgeSearch = (
  datasetIds: string[],
  query: string,
  k: number,
  score: number,
  signal: AbortSignal,
) => Promise<KnowledgeHit[]>;

interface KnowledgeData {
  query_variable_selector?: string[];
  dataset_ids?: string[];
  retrieval_mode?: 'single' | 'multiple';
  multiple_retrieval_config?: { top_k?: number; score_threshold?: number | null };
}

/**
 * `knowledge-retrieval`: the query searched in the node's datasets (this project's, words and
 * meaning fused where vectors exist); `result` is the list of segments an LLM node's context reads.
 * Dify's `single` mode (a model picks one dataset) searches them all here, as `multiple` does.
 */
export function knowledgeRetrievalNode(search: KnowledgeSearch): NodeExecutor {
  return async ({ node, pool, signal }) => {
    const data = node.data as unknown as KnowledgeData;
    const query = asText(pool.get(data.query_variable_selector ?? []));
    const ids = data.dataset_ids ?? [];
    if (!query.trim() || ids.length === 0) return { inputs: { query }, outputs: { result: [] } };
    const config = data.multiple_retrieval_config ?? {};
    const k = Math.min(Math.max(Math.trunc(config.top_k ?? 4), 1), 10);
    const score = typeof config.score_threshold === 'number' ? config.score_threshold : 0;
    return { inputs: { query }, outputs: { result: await search(ids, query, k, score, signal) } };
  };
}
