import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createModule, type Module } from '../../app/compose/module.js';
import { loadConfig, type Config } from '../../config/config.js';
import { createLogger } from '../../internal/extension/logger.js';
import { TEST_REDIS_URL, type Backend } from './environment.js';
import { createTestDatabase } from './test-database.js';
import { HttpClient } from './http-client.js';
import { logFile } from './log-capture.js';
import { purgeRedisPrefix } from './redis-cleanup.js';

export interface TestServer extends HttpClient {
  module: Module;
  config: Config;
  /** Everything the server logged, at debug level and up. */
  logs(): string;
  close(): Promise<void>;
}

export const TEST_SECRET = 'test-secret-key-that-is-long-enough-0123456789';

/**
 * The real object graph on a real listening port, with its own fresh database (a PGlite
 * directory, or a new PostgreSQL database) and, on the Redis backend, its own queue prefix.
 */
export async function startTestServer(
  backend: Pick<Backend, 'db' | 'redis'>,
  overrides: Partial<Config> = {},
  /** A second node of `joining`'s cluster: same PostgreSQL database and Redis prefix, which `joining` owns and cleans up. */
  joining?: TestServer,
): Promise<TestServer> {
  if (joining && backend.db !== 'postgres') throw new Error('only a PostgreSQL-backed server can be joined by another node');
  const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-test-'));
  const database = backend.db === 'postgres' && !joining ? await createTestDatabase() : undefined;
  const config = loadConfig(
    {},
    {
      nodeEnv: 'test',
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      storageDir,
      secretKey: TEST_SECRET,
      databaseUrl: joining?.config.databaseUrl ?? database?.url ?? '',
      redisUrl: backend.redis ? TEST_REDIS_URL : '',
      queuePrefix: joining?.config.queuePrefix ?? `llmops-test-${randomBytes(4).toString('hex')}`,
      ...overrides,
    },
  );
  let logs = '';
  const keep = logFile('in-process');
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs += chunk;
      keep(chunk);
      if (process.env.TEST_LOG) process.stderr.write(chunk);
      done();
    },
  });
  const module = await createModule(config, createLogger('debug', sink));
  await module.server.listen({ port: 0, host: '127.0.0.1' });
  const { port } = module.server.server.address() as AddressInfo;
  const client = new HttpClient(`http://127.0.0.1:${port}`);
  return Object.assign(client, {
    module,
    config,
    logs: () => logs,
    async close() {
      await module.close();
      await database?.drop();
      if (backend.redis && !joining) await purgeRedisPrefix(config.queuePrefix);
      await rm(storageDir, { recursive: true, force: true });
    },
  });
}
