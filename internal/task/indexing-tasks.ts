import { JobName } from '../entity/job-entity.js';
import type { Queue } from '../extension/queue/queue.js';
import type { IndexJob } from '../service/knowledge/document-service.js';
import type { IndexingService } from '../service/knowledge/indexing-service.js';

/** One job per document; failures end in the document's error status, so the queue never retries. */
export function defineIndexingTasks(queue: Queue, indexing: IndexingService): void {
  queue.define<IndexJob>(JobName.DocumentIndex, (job, signal) => indexing.index(job.documentId, signal));
}
