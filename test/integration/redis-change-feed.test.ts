import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createChangeFeed } from '../../internal/extension/create-change-feed.js';
import type { ChangeFeed } from '../../internal/extension/change-feed.js';
import { createLogger } from '../../internal/extension/logger.js';
import { TEST_REDIS_URL } from '../helpers/environment.js';

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

    it('a publish returns once every other node has heard it; the publisher hears its own change once', async () => {
      const a = await open();
      const b = await open();
      const c = await open();
      for (let i = 0; i < 50; i++) await a.feed.publish(`app:${i}`);
      const sent = Array.from({ length: 50 }, (_, i) => `app:${i}`);
      // Checked with no wait: publish's promise is the promise that the others have it.
      expect(b.heard).toEqual(sent);
      expect(c.heard).toEqual(sent);
      expect(a.heard).toEqual(sent);
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
