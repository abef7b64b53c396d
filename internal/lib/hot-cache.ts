import type { ChangeFeed } from '../extension/change-feed.js';

/** How long an entry is trusted without news from the change feed: the bound on staleness if a change message is lost. */
export const HOT_CACHE_TTL_MS = 30_000;
/** The last part of an entry's life in which a read also refreshes it. */
const REFRESH_AHEAD = 1 / 3;

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
  /** The keys of the entries under each tag: a change touches its few entries, not every entry (thousands of conversations). */
  private readonly keysByTag = new Map<string, Set<string>>();
  private readonly loading = new Map<string, Promise<V | undefined>>();
  /** Counts changes; `changedAt` says when each tag last changed, for the loads that were under way then. */
  private generation = 0;
  private readonly changedAt = new Map<string, number>();
  /** The generation each load under way started at (how far back `changedAt` must reach). */
  private readonly loadsFrom = new Map<number, number>();
  /** A clear() or a reset: no load that started before it is kept. */
  private clearedAt = 0;

  constructor(
    feed: ChangeFeed,
    private readonly maxEntries = 10_000,
    private readonly ttlMs = HOT_CACHE_TTL_MS,
    /** Whether a read near the end of an entry's life refreshes it (off where the life is an idle time). */
    private readonly refreshAhead = true,
  ) {
    feed.listen(
      (topic) => this.invalidate(topic),
      () => this.clear(),
    );
  }

  /** The cached value, else `load`'s (undefined is not kept: a missing thing is looked up again). */
  get(key: string, load: () => Promise<V | undefined>, tagsOf: (value: V) => string[]): Promise<V | undefined> {
    const entry = this.entries.get(key);
    const now = Date.now();
    if (entry && entry.expiresAt > now) {
      // Read again in the background before the bound runs out, so an entry in use never expires
      // under a request (a miss makes the request wait for a database read).
      if (this.refreshAhead && entry.expiresAt - now < this.ttlMs * REFRESH_AHEAD && !this.loading.has(key)) {
        this.load(key, load, tagsOf).catch(() => {
          // The entry stays until its bound; the request that misses then reads it and hears the error.
        });
      }
      return Promise.resolve(entry.value);
    }
    return this.loading.get(key) ?? this.load(key, load, tagsOf);
  }

  private load(key: string, load: () => Promise<V | undefined>, tagsOf: (value: V) => string[]): Promise<V | undefined> {
    const started = this.generation;
    this.loadsFrom.set(started, (this.loadsFrom.get(started) ?? 0) + 1);
    let done = false;
    const settled = () => {
      if (done) return;
      done = true;
      const left = this.loadsFrom.get(started)! - 1;
      if (left > 0) this.loadsFrom.set(started, left);
      else this.loadsFrom.delete(started);
      if (this.loading.get(key) === pending) this.loading.delete(key);
    };
    const pending = load().then((value) => {
      settled();
      if (value === undefined) return value;
      const tags = tagsOf(value);
      // Kept only if none of its tags changed while it was read: a change is never undone by an older read.
      if (started >= this.clearedAt && tags.every((t) => (this.changedAt.get(t) ?? 0) <= started)) {
        this.remove(key);
        if (this.entries.size >= this.maxEntries) this.remove(this.entries.keys().next().value!);
        this.entries.set(key, { value, tags, expiresAt: Date.now() + this.ttlMs });
        for (const tag of tags) {
          const keys = this.keysByTag.get(tag);
          if (keys) keys.add(key);
          else this.keysByTag.set(tag, new Set([key]));
        }
      }
      this.forgetOldChanges();
      return value;
    });
    this.loading.set(key, pending);
    // A failed load is not shared with later callers; this one hears of it through the promise.
    pending.catch(settled);
    return pending;
  }

  /**
   * Rewrites, in place, every entry under `tag` (a change whose outcome this node knows, such as a
   * new turn it stored); as with invalidate, a load under way is not kept if it carries the tag.
   */
  update(tag: string, rewrite: (value: V) => V): void {
    this.changed(tag);
    const now = Date.now();
    for (const key of [...(this.keysByTag.get(tag) ?? [])]) {
      const entry = this.entries.get(key)!;
      // An expired entry is past its bound on staleness: a rewrite must not bring it back.
      if (entry.expiresAt <= now) {
        this.remove(key);
        continue;
      }
      entry.value = rewrite(entry.value);
      // Rewritten with an outcome this node knows: as current as a fresh read.
      entry.expiresAt = now + this.ttlMs;
    }
  }

  invalidate(tag: string): void {
    this.changed(tag);
    for (const key of [...(this.keysByTag.get(tag) ?? [])]) this.remove(key);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    for (const tag of entry.tags) {
      const keys = this.keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByTag.delete(tag);
    }
  }

  private changed(tag: string): void {
    this.generation += 1;
    this.changedAt.delete(tag);
    this.changedAt.set(tag, this.generation);
    // A load under way read the old state: let it finish for its callers, but not be shared any longer.
    this.loading.clear();
    this.forgetOldChanges();
  }

  /** Changes older than every load under way can no longer matter (oldest first: the map keeps insertion order). */
  private forgetOldChanges(): void {
    const oldestLoad = this.loadsFrom.size === 0 ? this.generation : Math.min(...this.loadsFrom.keys());
    for (const [tag, at] of this.changedAt) {
      if (at > oldestLoad) break;
      this.changedAt.delete(tag);
    }
  }

  clear(): void {
    this.clearedAt = ++this.generation;
    this.entries.clear();
    this.keysByTag.clear();
    this.loading.clear();
  }
}

export const appTag = (appId: string) => `app:${appId}`;
export const credentialsTag = (accountId: string) => `credentials:${accountId}`;
export const accountTag = (accountId: string) => `account:${accountId}`;
export const tokenTag = (jti: string) => `token:${jti}`;
export const conversationTag = (conversationId: string) => `conversation:${conversationId}`;
