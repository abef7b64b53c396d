/**
 * Carries "stop task X" to whichever process is streaming X. Embedded mode has one process;
 * with Redis every node subscribes, so a stop request may land on any of them.
 */
export interface StopSignal {
  publish(taskId: string): Promise<void>;
  /** Called on every node for every published stop; the handler ignores tasks it does not run. */
  subscribe(handler: (taskId: string) => void): Promise<void>;
  close(): Promise<void>;
}

export class LocalStopSignal implements StopSignal {
  private readonly handlers: Array<(taskId: string) => void> = [];

  async publish(taskId: string): Promise<void> {
    for (const handler of this.handlers) handler(taskId);
  }

  async subscribe(handler: (taskId: string) => void): Promise<void> {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.handlers.length = 0;
  }
}
