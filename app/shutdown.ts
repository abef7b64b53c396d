import type { Logger } from '../internal/extension/logger.js';
import { flushStdoutLogs } from '../internal/extension/log-output.js';
import { startExitWatchdog } from './exit-watchdog.js';

export interface ShutdownPlan {
  /** Stops taking work and resolves once in-flight work has finished (requests, running jobs). */
  drain(): Promise<void>;
  /** Called when drain() outlives the timeout: interrupt what is left (streams, model calls, jobs). */
  cut(): void;
  /** Called when the cut work still has not unwound: close every connection outright. */
  forceClose(): void;
  /** Releases the extensions, each named, each given its own bound. */
  closers: Array<{ name: string; close: () => Promise<unknown> }>;
}

/** After the cut, how long interrupted work gets to unwind (final SSE events, rows marked interrupted, jobs released). */
const UNWIND_MS = 2_000;
/** Each extension (queue, Redis, database) gets this long to close. */
const CLOSE_STEP_MS = 1_500;
/** Pending log lines get this long to leave before exit. */
const LOG_FLUSH_MS = 500;
/** The hard bound past SHUTDOWN_TIMEOUT_MS; the watchdog fires a little before it. */
export const HARD_EXIT_MARGIN_MS = 5_000;

type Outcome = 'done' | 'timeout';

function within(promise: Promise<unknown>, ms: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const done = promise.then(
    () => 'done' as const,
    () => 'done' as const,
  );
  return Promise.race([done, timedOut]).finally(() => clearTimeout(timer));
}

/**
 * A signal sent to a whole process group (Ctrl-C, `kill -- -PGID`) reaches this process twice
 * when it runs under `npm start`: once from the kernel and once forwarded by npm. Repeats within
 * this window are that one signal, not a second one.
 */
const SAME_SIGNAL_MS = 500;

/**
 * SIGTERM or SIGINT: stop accepting, let in-flight work finish for up to `timeoutMs`, cut what is
 * left, close each extension with its own bound, exit. The process is gone within
 * `timeoutMs` + 5 s whatever hangs, and a second signal ends it at once: shortly after the first,
 * the signals get their default action back, which the kernel carries out even if JavaScript
 * cannot run.
 */
export function onShutdownSignal(logger: Logger, timeoutMs: number, plan: ShutdownPlan): void {
  let started = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (started) return; // the same signal, forwarded
    started = true;
    setTimeout(() => {
      process.removeListener('SIGTERM', shutdown);
      process.removeListener('SIGINT', shutdown);
    }, SAME_SIGNAL_MS).unref();
    startExitWatchdog(timeoutMs + HARD_EXIT_MARGIN_MS - 500, 'shutdown did not finish in time; killed by the exit watchdog');
    logger.info({ signal, timeoutMs }, 'shutting down: finishing in-flight work (a second signal exits at once)');
    let clean = true;

    const drained = plan.drain();
    if ((await within(drained, timeoutMs)) === 'timeout') {
      clean = false;
      logger.warn('in-flight work outlived the shutdown timeout; interrupting streams, model calls and jobs');
      plan.cut();
      if ((await within(drained, UNWIND_MS)) === 'timeout') {
        logger.warn('interrupted work did not unwind; closing connections');
        plan.forceClose();
        await within(drained, UNWIND_MS / 2);
      }
    }
    for (const step of plan.closers) {
      if ((await within(step.close(), CLOSE_STEP_MS)) === 'timeout') {
        clean = false;
        logger.warn({ step: step.name }, 'closing took too long; left behind');
      }
    }
    logger.info(clean ? 'shutdown complete' : 'shutdown complete (some work was cut)');
    await flushStdoutLogs(LOG_FLUSH_MS);
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
