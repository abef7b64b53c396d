/**
 * Tells every node that something cached has changed ("app:<id>", "credentials:<account id>"), so
 * caches of what the hot path reads drop it at once. Embedded mode has one process; with Redis every
 * node subscribes. `onReset` runs when changes may have been missed (a lost Redis connection came
 * back): a cache must then drop everything.
 */
export interface ChangeFeed {
  publish(topic: string): Promise<void>;
  listen(onChange: (topic: string) => void, onReset: () => void): void;
  close(): Promise<void>;
}

export class LocalChangeFeed implements ChangeFeed {
  protected readonly listeners: Array<{ onChange: (topic: string) => void; onReset: () => void }> = [];

  /** Listeners of this process hear a change before publish returns, so the next request here sees it. */
  async publish(topic: string): Promise<void> {
    this.deliver(topic);
  }

  listen(onChange: (topic: string) => void, onReset: () => void): void {
    this.listeners.push({ onChange, onReset });
  }

  async close(): Promise<void> {
    this.listeners.length = 0;
  }

  protected deliver(topic: string): void {
    for (const l of this.listeners) l.onChange(topic);
  }

  protected reset(): void {
    for (const l of this.listeners) l.onReset();
  }
}
