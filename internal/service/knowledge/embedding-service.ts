import { retryCall, type RetryPolicy } from '../../core/llm/retry.js';
import { EMBEDDING_BATCH_SIZE } from '../../entity/dataset-entity.js';
import type { Dataset } from '../../model/dataset.js';
import type { LlmModelService } from '../models/llm-model-service.js';

export interface EmbeddingRetries {
  /** A person waits for it (a search, a segment edit): retry briefly, like a chat. */
  interactive: RetryPolicy;
  /** Background indexing: rate limits are common in bulk, so wait longer before failing a document. */
  background: RetryPolicy;
}

/** Embeddings with a dataset's model, in batches, so many segments cost few upstream calls. */
export class EmbeddingService {
  constructor(
    private readonly llmModels: LlmModelService,
    private readonly retries: EmbeddingRetries,
  ) {}

  async embed(
    dataset: Pick<Dataset, 'workspaceId' | 'embeddingProvider' | 'embeddingModel'>,
    texts: string[],
    mode: keyof EmbeddingRetries = 'interactive',
    signal?: AbortSignal,
  ): Promise<number[][]> {
    const { llm, spec } = await this.llmModels.resolve(dataset.workspaceId, dataset.embeddingProvider, dataset.embeddingModel);
    const vectors: number[][] = [];
    for (let i = 0; i < texts.length; i += EMBEDDING_BATCH_SIZE) {
      const batch = texts.slice(i, i + EMBEDDING_BATCH_SIZE);
      const result = await retryCall(() => llm.embed(spec.model, batch, signal), this.retries[mode], signal);
      if (result.length !== batch.length)
        throw new Error(`the embedding model returned ${result.length} vectors for ${batch.length} texts`);
      vectors.push(...result);
    }
    return vectors;
  }
}
