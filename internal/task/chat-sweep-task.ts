import { JobName } from '../entity/job-entity.js';
import type { Logger } from '../extension/logger.js';
import type { Queue } from '../extension/queue/queue.js';
import type { ChatService } from '../service/chat/chat-service.js';
import type { WorkflowRunService } from '../service/workflow/workflow-run-service.js';

/**
 * Marks answers a crashed node left running for longer than the bound as interrupted, and workflow
 * runs left running past their own timeout (and a minute) as failed.
 */
export function defineChatSweepTask(
  queue: Queue,
  deps: { chat: ChatService; workflowRun: WorkflowRunService; afterSeconds: number; workflowTimeoutSeconds: number },
  logger: Logger,
): void {
  queue.define(JobName.ChatInterruptedSweep, async () => {
    const count = await deps.chat.interruptUnfinished(new Date(Date.now() - deps.afterSeconds * 1000));
    if (count > 0) logger.warn({ messages: count }, 'answers left unfinished by a stopped node marked interrupted');
    const runs = await deps.workflowRun.interruptUnfinished(new Date(Date.now() - (deps.workflowTimeoutSeconds + 60) * 1000));
    if (runs > 0) logger.warn({ runs }, 'workflow runs left unfinished by a stopped node marked failed');
  });
}
