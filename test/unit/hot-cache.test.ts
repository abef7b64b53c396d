import { describe, expect, it } from 'vitest';
import { LocalChangeFeed } from '../../internal/extension/change-feed.js';
import { HotCache } from '../../internal/service/hot-cache.js';

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
});
