import type { Logger } from '../extension/logger.js';
import type { Queue } from '../extension/queue/queue.js';
import type { AiHelperService } from '../service/apps/ai-helper-service.js';
import type { AnalyticsRollupService } from '../service/analytics/analytics-rollup-service.js';
import type { AuthService } from '../service/identity/auth-service.js';
import type { ChatService } from '../service/chat/chat-service.js';
import type { IndexingService } from '../service/knowledge/indexing-service.js';
import type { WorkflowRunService } from '../service/workflow/workflow-run-service.js';
import { defineAnalyticsRollupTask } from './analytics-rollup-task.js';
import { defineAuthCleanupTask } from './auth-cleanup-task.js';
import { defineChatSweepTask } from './chat-sweep-task.js';
import { defineConversationTasks } from './conversation-tasks.js';
import { defineIndexingTasks } from './indexing-tasks.js';

export interface TaskDependencies {
  authService: AuthService;
  aiHelper: AiHelperService;
  analyticsRollup: AnalyticsRollupService;
  analyticsRollupDelaySeconds: number;
  chat: ChatService;
  chatInterruptedAfterSeconds: number;
  workflowRun: WorkflowRunService;
  workflowTimeoutSeconds: number;
  indexing: IndexingService;
  logger: Logger;
}

/** Every job a consumer can run; API and worker processes call this alike. */
export function defineTasks(queue: Queue, deps: TaskDependencies): void {
  defineAuthCleanupTask(queue, deps.authService, deps.logger);
  defineAnalyticsRollupTask(queue, deps.analyticsRollup, deps.analyticsRollupDelaySeconds, deps.logger);
  defineChatSweepTask(
    queue,
    {
      chat: deps.chat,
      workflowRun: deps.workflowRun,
      afterSeconds: deps.chatInterruptedAfterSeconds,
      workflowTimeoutSeconds: deps.workflowTimeoutSeconds,
    },
    deps.logger,
  );
  defineConversationTasks(queue, deps.aiHelper);
  defineIndexingTasks(queue, deps.indexing);
}
