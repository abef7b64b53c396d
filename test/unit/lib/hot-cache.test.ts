import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalChangeFeed } from '../../../internal/extension/change-feed.js';
import { HotCache } from '../../../internal/lib/hot-cache.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('HotCache', () => {
  it('loads once for concurrent misses and serves the value until its tag changes', async () => {
    const feed = new LocalChangeFeed();
    const cache = new HotCache<string>(feed);
    let loads = 0;
    const load = async () => `v${++loads}`;
    const [a, b] = await Promise.all([cache.get('k', load, () => ['app:1']), cache.get('k', load, () => ['app:1'])]);
    expect([a, b, loads]).toEqual(['v1', 'v1', 1]);
    expect(await cache.get('k', load, () => ['app:1'])).toBe('v1');
    await feed.publish('app:2');
    expect(await cache.get('k', load, () => ['app:1'])).toBe('v1');
    await feed.publish('app:1');
    expect(await cache.get('k', load, () => ['app:1'])).toBe('v2');
  });

  it('does not keep a value whose load began before a change', async () => {
    const feed = new LocalChangeFeed();
    const cache = new HotCache<string>(feed);
    const slow = deferred<string>();
    const first = cache.get(
      'k',
      () => slow.promise,
      () => ['app:1'],
    );
    await feed.publish('app:1'); // the row changed while the old state was being read
    slow.resolve('old');
    expect(await first).toBe('old');
    expect(
      await cache.get(
        'k',
        async () => 'new',
        () => ['app:1'],
      ),
    ).toBe('new');
  });

  it('does not keep missing values or failures, and drops everything on a reset', async () => {
    const feed = new LocalChangeFeed();
    const cache = new HotCache<string>(feed, 10, 60_000);
    expect(
      await cache.get(
        'missing',
        async () => undefined,
        () => [],
      ),
    ).toBeUndefined();
    expect(
      await cache.get(
        'missing',
        async () => 'found',
        () => [],
      ),
    ).toBe('found');
    await expect(
      cache.get(
        'bad',
        () => Promise.reject(new Error('db down')),
        () => [],
      ),
    ).rejects.toThrow('db down');
    expect(
      await cache.get(
        'bad',
        async () => 'recovered',
        () => [],
      ),
    ).toBe('recovered');
    cache.clear();
    expect(
      await cache.get(
        'found',
        async () => 'reloaded',
        () => [],
      ),
    ).toBe('reloaded');
  });

  it('expires entries after their time to live', async () => {
    const cache = new HotCache<number>(new LocalChangeFeed(), 10, 20);
    let n = 0;
    await cache.get(
      'k',
      async () => ++n,
      () => [],
    );
    await new Promise((r) => setTimeout(r, 40));
    expect(
      await cache.get(
        'k',
        async () => ++n,
        () => [],
      ),
    ).toBe(2);
  });

  it('keeps a load across changes to other tags, and rewrites entries in place on update', async () => {
    const feed = new LocalChangeFeed();
    const cache = new HotCache<string[]>(feed);
    const slow = deferred<string[]>();
    const pending = cache.get(
      'a',
      () => slow.promise,
      () => ['conversation:a'],
    );
    cache.update('conversation:b', (v) => [...v, 'x']); // another conversation's turn
    await feed.publish('app:9');
    slow.resolve(['a1']);
    expect(await pending).toEqual(['a1']);
    expect(
      await cache.get(
        'a',
        async () => ['reloaded'],
        () => ['conversation:a'],
      ),
    ).toEqual(['a1']);

    cache.update('conversation:a', (v) => [...v, 'a2']);
    expect(
      await cache.get(
        'a',
        async () => ['reloaded'],
        () => ['conversation:a'],
      ),
    ).toEqual(['a1', 'a2']);

    // A load that began before an update of its own tag read the state without it: not kept.
    cache.invalidate('conversation:a');
    const stale = deferred<string[]>();
    const reading = cache.get(
      'a',
      () => stale.promise,
      () => ['conversation:a'],
    );
    cache.update('conversation:a', (v) => [...v, 'a3']);
    stale.resolve(['a1', 'a2']);
    expect(await reading).toEqual(['a1', 'a2']);
    expect(
      await cache.get(
        'a',
        async () => ['a1', 'a2', 'a3'],
        () => ['conversation:a'],
      ),
    ).toEqual(['a1', 'a2', 'a3']);
  });

  it('drops exactly the entries under a changed tag, also after evictions and re-reads under other tags', async () => {
    const feed = new LocalChangeFeed();
    const cache = new HotCache<string>(feed, 3);
    let loads = 0;
    const read = (key: string, tags: string[]) =>
      cache.get(
        key,
        async () => `${key}${++loads}`,
        () => tags,
      );
    await read('a', ['app:1', 'credentials:w']);
    await read('b', ['app:1']);
    await read('c', ['app:2']);
    await read('d', ['app:3']); // evicts a, the oldest
    await feed.publish('credentials:w'); // a's other tag: nothing cached carries it any longer
    expect([await read('b', ['app:1']), await read('c', ['app:2']), await read('d', ['app:3'])]).toEqual(['b2', 'c3', 'd4']);
    await feed.publish('app:1');
    expect(await read('b', ['app:9'])).toBe('b5'); // b read again, now under another tag
    expect(await read('c', ['app:2'])).toBe('c3');
    await feed.publish('app:1'); // b no longer carries it
    expect(await read('b', ['app:9'])).toBe('b5');
    await feed.publish('app:9');
    expect(await read('b', ['app:9'])).toBe('b6');
  });

  describe('time', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('trusts an entry for its time after the read, renewed by each update of its tag', async () => {
      vi.useFakeTimers();
      const cache = new HotCache<string[]>(new LocalChangeFeed(), 10, 1_000);
      let loads = 0;
      const read = () =>
        cache.get(
          'a',
          async () => [`read${++loads}`],
          () => ['conversation:a'],
        );
      expect(await read()).toEqual(['read1']);
      vi.advanceTimersByTime(800);
      cache.update('conversation:a', (v) => [...v, 'turn']);
      vi.advanceTimersByTime(800);
      expect(await read()).toEqual(['read1', 'turn']);
      vi.advanceTimersByTime(300);
      expect(await read()).toEqual(['read2']);
      // An update after the entry expired does not bring it back.
      vi.advanceTimersByTime(1_100);
      cache.update('conversation:a', (v) => [...v, 'late']);
      expect(await read()).toEqual(['read3']);
    });

    it('reads an entry in use again in the background before it expires, so no request waits for the load', async () => {
      vi.useFakeTimers();
      const cache = new HotCache<string>(new LocalChangeFeed(), 10, 900);
      let loads = 0;
      let loading = deferred<void>();
      const load = async () => {
        loads += 1;
        if (loads > 1) await loading.promise;
        return `read${loads}`;
      };
      const read = () => cache.get('a', load, () => ['app:a']);
      expect(await read()).toBe('read1');
      vi.advanceTimersByTime(500);
      expect(await read()).toBe('read1');
      expect(loads).toBe(1);
      // In the last third of its life a read is still answered from memory, and starts one load.
      vi.advanceTimersByTime(200);
      expect(await read()).toBe('read1');
      expect(await read()).toBe('read1');
      expect(loads).toBe(2);
      loading.resolve();
      await vi.advanceTimersByTimeAsync(0);
      expect(await read()).toBe('read2');
      // Its bound starts again from the refresh: well past the first read's 900 ms it is still kept.
      vi.advanceTimersByTime(500);
      expect(await read()).toBe('read2');
      expect(loads).toBe(2);
      // A refresh that fails leaves the entry until its bound, and the next miss loads it.
      loading = deferred<void>();
      vi.advanceTimersByTime(200);
      const failing = cache.get(
        'a',
        async () => {
          loads += 1;
          throw new Error('database gone');
        },
        () => ['app:a'],
      );
      expect(await failing).toBe('read2');
      await vi.advanceTimersByTimeAsync(0);
      expect(loads).toBe(3);
      vi.advanceTimersByTime(300);
      loading.resolve();
      expect(await read()).toBe('read4');
    });

    it('does not refresh ahead where the life is an idle time', async () => {
      vi.useFakeTimers();
      const cache = new HotCache<string>(new LocalChangeFeed(), 10, 900, false);
      let loads = 0;
      const read = () =>
        cache.get(
          'a',
          async () => `read${++loads}`,
          () => ['conversation:a'],
        );
      await read();
      vi.advanceTimersByTime(800);
      expect(await read()).toBe('read1');
      await vi.advanceTimersByTimeAsync(0);
      expect(loads).toBe(1);
    });
  });
});
