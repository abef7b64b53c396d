import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createChangeFeed } from '../../../internal/extension/create-change-feed.js';
import type { ChangeFeed } from '../../../internal/extension/change-feed.js';
import { createLogger } from '../../../internal/extension/logger.js';
import { TEST_REDIS_URL } from '../../helpers/environment.js';

describe.skipIf(!TEST_REDIS_URL)(
  `the change feed across nodes (redis${TEST_REDIS_URL ? '' : ', skipped: TEST_REDIS_URL is not set'})`,
  () => {
    const feeds: ChangeFeed[] = [];
    const prefix = `llmops-test-${randomBytes(4).toString('hex')}`;
    const open = async () => {
      const feed = await createChangeFeed({ redisUrl: TEST_REDIS_URL, prefix, logger: createLogger('silent') });
      feeds.push(feed);
      const heard: string[] = [];
      feed.listen(
        (topic) => heard.push(topic),
        () => heard.push('(reset)'),
      );
      return { feed, heard };
    };
    afterEach(async () => {
      for (const feed of feeds.splice(0)) await feed.close();
    });

    it('every node hears each publish in order, the publisher its own change once', async () => {
      const a = await open();
      const b = await open();
      const c = await open();
      for (let i = 0; i < 50; i++) await a.feed.publish(`app:${i}`);
      const sent = Array.from({ length: 50 }, (_, i) => `app:${i}`);
      // The publisher delivers its own change before it goes out; a publish returns once every other node
      // has confirmed it applied the change, so nothing is waited for here.
      expect(a.heard).toEqual(sent);
      expect(b.heard).toEqual(sent);
      expect(c.heard).toEqual(sent);
    });

    it('a subscriber that never confirms holds a publish back only for a bounded time', async () => {
      const a = await open();
      const b = await open();
      const silent = new Redis(TEST_REDIS_URL);
      try {
        await silent.subscribe(`${prefix}:changes`);
        const started = Date.now();
        await a.feed.publish('app:slow');
        // Not a timing assertion: it shows publish waited for the missing answer instead of returning early.
        expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
        expect(b.heard).toEqual(['app:slow']);
      } finally {
        silent.disconnect();
      }
    });

    it("takes a bare topic (an older node's message) as it is", async () => {
      const b = await open();
      const raw = new Redis(TEST_REDIS_URL);
      try {
        await raw.publish(`${prefix}:changes`, 'credentials:w1');
      } finally {
        raw.disconnect();
      }
      await b.feed.publish('app:after');
      // Its own change is delivered before it goes out; the raw message was fanned out before that echo.
      expect(b.heard).toEqual(['app:after', 'credentials:w1']);
    });
  },
);
