import type { Logger } from '../internal/extension/logger.js';

export interface ShutdownSteps {
  /** Stop taking work and let in-flight work finish. */
  drain(): Promise<void>;
  /** Called when drain() outlives the timeout: cut what is left. */
  forceDrain(): void;
  /** Release extensions (queue, database) once nothing uses them. */
  close(): Promise<void>;
}

/** On SIGTERM or SIGINT: drain with a bound, close cleanly, exit. A second signal exits at once. */
export function onShutdownSignal(logger: Logger, timeoutMs: number, steps: ShutdownSteps): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, timeoutMs }, 'shutting down: finishing in-flight work');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const drained = steps.drain().then(() => 'drained' as const);
    if ((await Promise.race([drained, timedOut])) === 'timeout') {
      logger.warn('in-flight work outlived the shutdown timeout; closing connections');
      steps.forceDrain();
      await drained.catch(() => undefined);
    }
    clearTimeout(timer);
    try {
      await steps.close();
      logger.info('shutdown complete');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', (s) => void shutdown(s));
  process.on('SIGINT', (s) => void shutdown(s));
}
