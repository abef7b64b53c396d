import { ConfigError, ensureSecretKey, loadConfig } from '../config/config.js';
import { createLogger } from '../internal/extension/logger.js';
import { createCore, startWorker } from './compose/module.js';
import { onShutdownSignal } from './shutdown.js';
import { releaseMemoryWhenIdle } from './idle-memory.js';

/** A queue consumer for scale-out mode: runs background and periodic jobs, serves no HTTP. */
async function main(): Promise<void> {
  const config = ensureSecretKey(loadConfig());
  if (!config.redisUrl) {
    throw new ConfigError('npm run worker needs REDIS_URL; in embedded mode the API process (npm start) runs jobs itself');
  }
  const logger = createLogger(config.logLevel);
  const core = await createCore(config, logger);
  await startWorker(core);
  logger.info({ queue: core.queue.kind }, 'LLMOps worker is ready');
  releaseMemoryWhenIdle();
  onShutdownSignal(logger, config.shutdownTimeoutMs, {
    drain: () => core.queue.close(),
    cut: () => core.queue.interrupt(),
    forceClose: () => undefined,
    closers: core.closers,
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else createLogger('error').fatal({ err }, 'LLMOps worker failed to start');
  process.exit(1);
});
