import { eq } from 'drizzle-orm';
import type { InvokeFrom } from '../../entity/conversation-entity.js';
import type { Db } from '../../extension/database.js';
import type { StopSignal } from '../../extension/stop-signal.js';
import { NotFoundError, DifyApiError } from '../../exception/app-error.js';
import { messages } from '../../model/conversation.js';

interface RunningAnswer {
  workspaceId: string;
  appId: string;
  endUser: string;
  controller: AbortController;
}

/** The abort reason of answers cut by a shutdown, told apart from a user's stop. */
export const SERVER_SHUTDOWN = 'server shutdown';

/**
 * Answers streaming in this process, by task id, and stopping them: a stop may land on any node
 * (the stop signal carries it to the one streaming), a shutdown cuts them all.
 */
export class RunningAnswers {
  private readonly running = new Map<string, RunningAnswer>();

  constructor(
    private readonly db: Db,
    private readonly stopSignal: StopSignal,
  ) {}

  add(taskId: string, answer: RunningAnswer): void {
    this.running.set(taskId, answer);
  }

  remove(taskId: string): void {
    this.running.delete(taskId);
  }

  /** Listens for stops published by any node. */
  async listen(): Promise<void> {
    await this.stopSignal.subscribe((taskId) => this.running.get(taskId)?.controller.abort());
  }

  /** Stops a task wherever it runs; the caller has checked it may. */
  async signal(taskId: string): Promise<void> {
    await this.stopSignal.publish(taskId);
  }

  /** Shutdown past its timeout: every answer streaming here ends now. */
  interruptAll(): void {
    for (const { controller } of this.running.values()) controller.abort(SERVER_SHUTDOWN);
  }

  /** The service API's stop: only the end user who asked may stop the answer. */
  async stopForEndUser(appId: string, endUser: string, taskId: string, invokeFrom: InvokeFrom): Promise<void> {
    const local = this.running.get(taskId);
    if (local) {
      if (local.appId !== appId || local.endUser !== endUser) throw new DifyApiError(404, 'not_found', 'Task not found.');
    } else {
      const [message] = await this.db
        .select({ appId: messages.appId, endUser: messages.endUser, invokeFrom: messages.invokeFrom })
        .from(messages)
        .where(eq(messages.id, taskId))
        .limit(1);
      if (!message || message.appId !== appId || message.endUser !== endUser || message.invokeFrom !== invokeFrom) {
        throw new DifyApiError(404, 'not_found', 'Task not found.');
      }
    }
    await this.stopSignal.publish(taskId);
  }

  /** The console's stop, wherever the answer streams; the partial answer is kept with status stop. */
  async stop(workspaceId: string, appId: string, taskId: string): Promise<void> {
    const local = this.running.get(taskId);
    if (local) {
      if (local.workspaceId !== workspaceId || local.appId !== appId) throw new NotFoundError('task not found');
    } else {
      // Streaming on another node, or already finished: the message row proves ownership.
      const [message] = await this.db
        .select({ workspaceId: messages.workspaceId, appId: messages.appId })
        .from(messages)
        .where(eq(messages.id, taskId))
        .limit(1);
      if (!message || message.workspaceId !== workspaceId || message.appId !== appId) throw new NotFoundError('task not found');
    }
    await this.stopSignal.publish(taskId);
  }
}
