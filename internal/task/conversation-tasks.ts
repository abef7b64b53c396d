import { JobName } from '../entity/job-entity.js';
import type { Queue } from '../extension/queue/queue.js';
import type { AiHelperService } from '../service/apps/ai-helper-service.js';
import type { NamingJob } from '../service/chat/chat-types.js';

/** After an answer: give a new conversation its title, and fold the exchange into long-term memory. */
export function defineConversationTasks(queue: Queue, aiHelper: AiHelperService): void {
  queue.define<NamingJob>(JobName.ConversationName, (job, signal) => aiHelper.nameConversation(job, signal));
  queue.define<NamingJob>(JobName.ConversationSummary, (job, signal) => aiHelper.summarize(job, signal));
}
