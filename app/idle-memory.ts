import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'minor' | 'major' }) => void;

/** Node's gc(), exposed at run time when the process was not started with --expose-gc. */
function exposedGc(): Collect {
  const existing = (globalThis as { gc?: Collect }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  // The flag applies to contexts made after it; the process's own was made before.
  return runInNewContext('gc') as Collect;
}

/** The young generation's size now: V8 starts it at 1 MiB and grows it to 32 under allocation. */
function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * V8 gives back a grown young generation (32 MiB on this thread after start-up or a burst of
 * traffic) only at a garbage collection, and a server that waits allocates nothing, so none comes:
 * an idle process kept ~26 MiB it did not use. After an interval in which the event loop was idle,
 * while it is still grown, one young-generation collection (about 2 ms) lets V8 shrink it. V8 does
 * so only once allocation was low over its last ~5 s, so a collection too soon after the traffic
 * may leave it as it was: the next idle interval tries again.
 */
export function releaseMemoryWhenIdle({
  intervalMs = 5_000,
  idleUtilization = 0.01,
  grownBytes = 4 * 1024 * 1024,
  collect = exposedGc(),
  youngBytes = youngGenerationBytes,
}: {
  intervalMs?: number;
  idleUtilization?: number;
  grownBytes?: number;
  collect?: Collect;
  youngBytes?: () => number;
} = {}): () => void {
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    if (busy <= idleUtilization && youngBytes() > grownBytes) collect({ type: 'minor' });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
