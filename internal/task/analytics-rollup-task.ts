import { JobName } from '../entity/job-entity.js';
import type { Logger } from '../extension/logger.js';
import type { Queue } from '../extension/queue/queue.js';
import type { AnalyticsRollupService } from '../service/analytics/analytics-rollup-service.js';

/** Adds messages older than the delay to the per-day analytics rollup. */
export function defineAnalyticsRollupTask(queue: Queue, rollup: AnalyticsRollupService, delaySeconds: number, logger: Logger): void {
  queue.define(JobName.AnalyticsRollup, async () => {
    const result = await rollup.rollUp(delaySeconds);
    if (result.messages > 0) logger.info({ messages: result.messages, rolledUntil: result.rolledUntil }, 'analytics rolled up');
  });
}
