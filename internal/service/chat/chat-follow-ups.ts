import { JobName } from '../../entity/job-entity.js';
import type { Logger } from '../../extension/logger.js';
import type { Queue } from '../../extension/queue/queue.js';
import type { NamingJob, RunContext } from './chat-types.js';

/** A new conversation's title and, with long-term memory, its summary: background jobs after a normal answer. */
export async function enqueueFollowUps(queue: Queue, logger: Logger, ctx: RunContext, answer: string): Promise<void> {
  const job: NamingJob = {
    conversationId: ctx.conversationId,
    workspaceId: ctx.workspaceId,
    provider: ctx.resolved.spec.provider,
    model: ctx.resolved.spec.model,
    query: ctx.query,
    answer,
  };
  try {
    if (ctx.isNewConversation && ctx.autoName) await queue.enqueue(JobName.ConversationName, job);
    if (ctx.config.long_term_memory.enable) await queue.enqueue(JobName.ConversationSummary, job);
  } catch (err) {
    // The answer is stored; a missed title or summary must not turn it into a failure.
    logger.warn({ err, conversationId: ctx.conversationId }, 'could not enqueue conversation follow-ups');
  }
}
