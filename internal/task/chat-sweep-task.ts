import { JobName } from '../entity/job-entity.js';
import type { Logger } from '../extension/logger.js';
import type { Queue } from '../extension/queue/queue.js';
import type { ChatService } from '../service/chat-service.js';

/** Marks answers a crashed node left running for longer than the bound as interrupted. */
export function defineChatSweepTask(queue: Queue, chat: ChatService, afterSeconds: number, logger: Logger): void {
  queue.define(JobName.ChatInterruptedSweep, async () => {
    const count = await chat.interruptUnfinished(new Date(Date.now() - afterSeconds * 1000));
    if (count > 0) logger.warn({ messages: count }, 'answers left unfinished by a stopped node marked interrupted');
  });
}
