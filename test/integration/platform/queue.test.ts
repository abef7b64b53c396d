import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobName } from '../../../internal/entity/job-entity.js';
import { createLogger } from '../../../internal/extension/logger.js';
import { createQueue } from '../../../internal/extension/queue/create-queue.js';
import type { Queue } from '../../../internal/extension/queue/queue.js';
import { registerAccount } from '../../helpers/accounts.js';
import { backends, backendTitle, TEST_REDIS_URL } from '../../helpers/environment.js';
import { purgeRedisPrefix } from '../../helpers/redis-cleanup.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { waitFor } from '../../helpers/wait-for.js';

const logger = createLogger('silent');

const queueKinds = [
  { name: 'in-process queue', redisUrl: '', skipReason: '' },
  { name: 'BullMQ queue', redisUrl: TEST_REDIS_URL, skipReason: TEST_REDIS_URL ? '' : 'TEST_REDIS_URL is not set' },
];

for (const kind of queueKinds) {
  describe.skipIf(kind.skipReason)(`${kind.name}${kind.skipReason ? ` (skipped: ${kind.skipReason})` : ''}`, () => {
    const open: Queue[] = [];
    const prefixes: string[] = [];
    const newPrefix = () => {
      const prefix = `llmops-qtest-${randomBytes(4).toString('hex')}`;
      prefixes.push(prefix);
      return prefix;
    };
    const newQueue = async () => {
      const queue = await createQueue({ redisUrl: kind.redisUrl, prefix: newPrefix(), logger });
      open.push(queue);
      return queue;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((q) => q.close()));
      await Promise.all(prefixes.splice(0).map(purgeRedisPrefix));
    });

    it('runs an enqueued job with its data', async () => {
      const queue = await newQueue();
      const seen: unknown[] = [];
      queue.define<{ n: number }>('test.echo', async (data) => {
        seen.push(data);
      });
      await queue.start();
      await queue.enqueue('test.echo', { n: 1 });
      await queue.enqueue('test.echo', { n: 2 });
      await waitFor(() => seen.length === 2, { message: 'both jobs to run' });
      expect(seen).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
    });

    it('holds jobs enqueued before start until a consumer starts', async () => {
      const queue = await newQueue();
      let ran = 0;
      queue.define('test.count', async () => {
        ran += 1;
      });
      await queue.enqueue('test.count', {});
      await new Promise((r) => setTimeout(r, 100));
      expect(ran).toBe(0);
      await queue.start();
      await waitFor(() => ran === 1, { message: 'the held job to run' });
    });

    it('retries a failing job with backoff, up to its attempts', async () => {
      const queue = await newQueue();
      let calls = 0;
      queue.define('test.flaky', async () => {
        calls += 1;
        if (calls < 2) throw new Error('transient');
      });
      await queue.start();
      await queue.enqueue('test.flaky', {}, { attempts: 3 });
      await waitFor(() => calls === 2, { message: 'the second attempt' });
      await new Promise((r) => setTimeout(r, 300));
      expect(calls).toBe(2);
    });

    it('gives up after the last attempt', async () => {
      const queue = await newQueue();
      let calls = 0;
      queue.define('test.broken', async () => {
        calls += 1;
        throw new Error('permanent');
      });
      await queue.start();
      await queue.enqueue('test.broken', {}, { attempts: 2 });
      await waitFor(() => calls === 2, { message: 'both attempts' });
      await new Promise((r) => setTimeout(r, 1200));
      expect(calls).toBe(2);
    });

    it('runs a periodic job repeatedly', async () => {
      const queue = await newQueue();
      let ticks = 0;
      queue.define('test.tick', async () => {
        ticks += 1;
      });
      await queue.start();
      await queue.every('test.tick', 100);
      await waitFor(() => ticks >= 3, { message: 'three ticks' });
    });

    it('a job enqueued by one process runs on another (producer and worker)', async () => {
      const prefix = newPrefix();
      const producer = await createQueue({ redisUrl: kind.redisUrl, prefix, logger });
      open.push(producer);
      // The in-process queue has no other process; there producer and consumer are one object.
      const worker = kind.redisUrl ? await createQueue({ redisUrl: kind.redisUrl, prefix, logger }) : producer;
      if (worker !== producer) open.push(worker);
      let got: unknown;
      worker.define('test.cross', async (data) => {
        got = data;
      });
      await worker.start();
      await producer.enqueue('test.cross', { from: 'producer' });
      await waitFor(() => got !== undefined, { message: 'the worker to get the job' });
      expect(got).toEqual({ from: 'producer' });
    });
  });
}

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`auth cleanup job on ${backendTitle(backend)}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend, { loginLockSeconds: 60, cleanupIntervalSeconds: 3600 });
    });
    afterAll(() => server?.close());

    it('purges expired lock-outs and revocations through the queue, keeping live ones', async () => {
      const { db } = server.module.database;
      const { token } = await registerAccount(server);
      const accountId = (await server.get('/account', { token })).body.data.id;
      await db.execute(sql`INSERT INTO login_attempts (email, failed_count, locked_until, last_failed_at) VALUES
        ('expired@example.com', 5, now() - interval '1 hour', now() - interval '2 hours'),
        ('stale@example.com', 1, NULL, now() - interval '2 hours'),
        ('locked@example.com', 5, now() + interval '1 hour', now()),
        ('recent@example.com', 1, NULL, now())`);
      await db.execute(sql`INSERT INTO revoked_tokens (jti, account_id, expires_at) VALUES
        (gen_random_uuid(), ${accountId}, now() - interval '1 minute'),
        ('11111111-1111-4111-8111-111111111111', ${accountId}, now() + interval '1 day')`);

      await server.module.queue.enqueue(JobName.AuthCleanup, {});
      const emails = async () =>
        (await db.execute(sql`SELECT email FROM login_attempts ORDER BY email`)).rows.map((r) => (r as { email: string }).email);
      const jtis = async () => (await db.execute(sql`SELECT jti FROM revoked_tokens`)).rows;
      // The job deletes the two tables in two statements: wait for both, not for the first only.
      await waitFor(async () => (await emails()).length === 2 && (await jtis()).length === 1, { message: 'both tables to be purged' });
      expect(await emails()).toEqual(['locked@example.com', 'recent@example.com']);
      expect(await jtis()).toEqual([{ jti: '11111111-1111-4111-8111-111111111111' }]);
    });
  });
}
