import type { ChangeFeed } from '../extension/change-feed.js';

/** How long an entry is trusted without news from the change feed: the bound on staleness if a change message is lost. */
export const HOT_CACHE_TTL_MS = 30_000;

interface Entry<V> {
  value: V;
  tags: string[];
  expiresAt: number;
}

/**
 * What the chat hot path reads on every request (app keys, apps, credentials), kept in memory and
 * dropped when the change feed names one of its tags, on every node. Concurrent misses share one
 * load; a load that overlaps a change is used once but not kept, so a change is never undone by a
 * read that started before it.
 */
export class HotCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Promise<V | undefined>>();
  private generation = 0;

  constructor(
    feed: ChangeFeed,
    private readonly maxEntries = 10_000,
    private readonly ttlMs = HOT_CACHE_TTL_MS,
  ) {
    feed.listen(
      (topic) => this.invalidate(topic),
      () => this.clear(),
    );
  }

  /** The cached value, else `load`'s (undefined is not kept: a missing thing is looked up again). */
  get(key: string, load: () => Promise<V | undefined>, tagsOf: (value: V) => string[]): Promise<V | undefined> {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > Date.now()) return Promise.resolve(entry.value);
    const shared = this.loading.get(key);
    if (shared) return shared;
    const generation = this.generation;
    const pending = load().then((value) => {
      if (this.loading.get(key) === pending) this.loading.delete(key);
      if (value !== undefined && generation === this.generation) {
        if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
        this.entries.set(key, { value, tags: tagsOf(value), expiresAt: Date.now() + this.ttlMs });
      }
      return value;
    });
    this.loading.set(key, pending);
    // A failed load is not shared with later callers; this one hears of it through the promise.
    pending.catch(() => {
      if (this.loading.get(key) === pending) this.loading.delete(key);
    });
    return pending;
  }

  invalidate(tag: string): void {
    this.generation += 1;
    for (const [key, entry] of this.entries) if (entry.tags.includes(tag)) this.entries.delete(key);
    // A load under way read the old state: let it finish for its callers, but not be shared any longer.
    this.loading.clear();
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.loading.clear();
  }
}

export const appTag = (appId: string) => `app:${appId}`;
export const credentialsTag = (accountId: string) => `credentials:${accountId}`;
export const accountTag = (accountId: string) => `account:${accountId}`;
export const tokenTag = (jti: string) => `token:${jti}`;
