import { JobName } from '../entity/job-entity.js';
import type { Queue } from '../extension/queue/queue.js';

export interface ScheduleSettings {
  cleanupIntervalSeconds: number;
  analyticsRollupIntervalSeconds: number;
  chatInterruptedAfterSeconds: number;
}

/** Periodic jobs. With BullMQ each runs once per interval however many workers there are. */
export async function registerSchedules(queue: Queue, settings: ScheduleSettings): Promise<void> {
  await queue.every(JobName.AuthCleanup, settings.cleanupIntervalSeconds * 1000);
  await queue.every(JobName.AnalyticsRollup, settings.analyticsRollupIntervalSeconds * 1000);
  // A tenth of the bound: a crashed node's answers read as interrupted soon after it is passed.
  await queue.every(JobName.ChatInterruptedSweep, Math.max(10, settings.chatInterruptedAfterSeconds / 10) * 1000);
  // Once at start too: a database upgraded with months of messages is rolled up without waiting an interval.
  await queue.enqueue(JobName.AnalyticsRollup, {});
}
