import { ConfigError, ensureSecretKey, loadConfig } from '../../config/config.js';
import { createLogger } from '../../internal/extension/logger.js';
import { embeddedDataDir, PgliteThread } from '../../internal/extension/pglite-thread.js';
import { onShutdownSignal } from '../shutdown.js';

async function main(): Promise<void> {
  const config = ensureSecretKey(loadConfig());
  // The embedded database boots in its own thread while this one loads the rest of the code.
  if (!config.databaseUrl) {
    PgliteThread.prestart({ dataDir: embeddedDataDir(config.storageDir), sharedBuffersMb: config.embeddedDbSharedBuffersMb });
  }
  const [{ createModule }, { loadLlmClients }] = await Promise.all([
    import('./module.js'),
    import('../../internal/core/llm/openai-compatible-provider.js'),
  ]);
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
  // Off the start-up path: the first chat would otherwise wait for the HTTP client and the SDK to load.
  loadLlmClients().catch((err: unknown) => logger.error({ err }, 'could not load the model clients'));

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
