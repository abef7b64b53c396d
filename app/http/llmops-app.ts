import { embeddedDatabaseHint } from '../../config/embedded-database-hint.js';
import { embeddedDataDir, PgliteThread } from '../../internal/extension/pglite-thread.js';
import { releaseMemoryWhenIdle } from '../idle-memory.js';

// The embedded database boots in its own thread from the first moment, while this one loads the rest
// of the code (the config's validators included); createModule takes the thread over if the checked
// config names the same folder.
const hint = embeddedDatabaseHint();
if (hint) PgliteThread.prestart({ dataDir: embeddedDataDir(hint.storageDir), sharedBuffersMb: hint.sharedBuffersMb });

const [{ ConfigError, ensureSecretKey, loadConfig }, { createLogger }, { onShutdownSignal }] = await Promise.all([
  import('../../config/config.js'),
  import('../../internal/extension/logger.js'),
  import('../shutdown.js'),
]);

async function main(): Promise<void> {
  const config = ensureSecretKey(loadConfig());
  const [{ createModule }, { loadDeferredModules }] = await Promise.all([import('../compose/module.js'), import('./optional-modules.js')]);
  const logger = createLogger(config.logLevel);
  const module = await createModule(config, logger);
  await module.server.listen({ port: config.port, host: config.host });
  logger.info(
    {
      mode: module.database.kind === 'pglite' ? 'embedded' : 'scale-out',
      queue: module.queue.kind,
      startupMs: Math.round(process.uptime() * 1000),
    },
    'LLMOps is ready',
  );
  loadDeferredModules().catch((err: unknown) => logger.error({ err }, 'could not load a deferred module'));
  releaseMemoryWhenIdle();

  onShutdownSignal(logger, config.shutdownTimeoutMs, {
    // server.close() stops accepting and waits for in-flight requests; queue.close() for running jobs.
    drain: () => Promise.all([module.server.close(), module.queue.close()]).then(() => undefined),
    cut: () => {
      module.services.chat.interruptAll();
      module.services.workflowRun.interruptAll();
      module.server.interruptStreams();
      module.queue.interrupt();
    },
    forceClose: () => module.server.server.closeAllConnections(),
    closers: module.closers,
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    createLogger('error').fatal({ err }, 'LLMOps failed to start');
  }
  process.exit(1);
});
