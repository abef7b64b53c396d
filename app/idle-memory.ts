import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { trimMalloc, type TrimMalloc } from './malloc-trim.js';

/** gc() is a full collection; gc({ type: 'minor' }) the young generation's. ({ type: 'major' } is a young one too on Node 20's V8.) */
type Collect = (options?: { type: 'minor' }) => void;

/** Node's gc(), exposed at run time when the process was not started with --expose-gc. */
function exposedGc(): Collect {
  const existing = (globalThis as { gc?: Collect }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  // The flag applies to contexts made after it; the process's own was made before.
  return runInNewContext('gc') as Collect;
}

/**
 * The full collection compacts every page, not only V8's pick of the most fragmented: after a burst
 * a plain one leaves the heap holding pages well beyond its live data, which V8's memory reducer
 * compacts only if the process is still quiet some seconds later, and not while traffic comes back.
 * The flag holds for this one collection: compacting every page of V8's own collections under load
 * would cost the requests' latency.
 */
function compactingGc(gc: Collect): Collect {
  return (options) => {
    if (options) return gc(options);
    setFlagsFromString('--compact-on-every-full-gc');
    try {
      gc();
    } finally {
      setFlagsFromString('--no-compact-on-every-full-gc');
    }
  };
}

/** The young generation's size now: V8 starts it at 1 MiB and grows it to 32 under allocation. */
function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/** What the heap holds from the system now, live data and garbage and free room alike. */
function committedHeapBytes(): number {
  return getHeapStatistics().total_heap_size;
}

/**
 * Gives back what a burst of traffic left the heap holding once the process has gone quiet. V8
 * returns memory only at a collection, and a server that waits allocates nothing, so none comes:
 * - the young generation (grown to 32 MiB on this thread under allocation): after an idle interval,
 *   one young-generation collection lets V8 shrink it. V8 does so only once allocation
 *   was low over its last ~5 s, so a collection too soon after the traffic may leave it as it was:
 *   the next idle interval tries again.
 * - the old generation: a burst of streams grows this thread's heap well beyond its live data, and
 *   V8 sizes its next limit from that, so the heap and the buffers its dead objects still hold stay
 *   at their peak through the lighter load after it. When the heap grew by `grownHeapBytes` since the
 *   last full collection made here, one full collection in an idle interval (with no request waiting
 *   on it) frees it, and resets the limit to the data that is live.
 * - the C heap (buffers, socket reads, messages to the embedded database's thread): once the process
 *   went quiet after work, and after each collection made here, the C allocator's free pages are
 *   given back (see malloc-trim.ts), a moment later, as V8 frees dead buffers' memory behind a
 *   collection on another thread.
 */
export function releaseMemoryWhenIdle({
  intervalMs = 5_000,
  idleUtilization = 0.01,
  grownBytes = 4 * 1024 * 1024,
  grownHeapBytes = 32 * 1024 * 1024,
  collect = compactingGc(exposedGc()),
  youngBytes = youngGenerationBytes,
  heapBytes = committedHeapBytes,
  trim = trimMalloc,
  trimDelayMs = 1_000,
}: {
  intervalMs?: number;
  idleUtilization?: number;
  grownBytes?: number;
  grownHeapBytes?: number;
  collect?: Collect;
  youngBytes?: () => number;
  heapBytes?: () => number;
  trim?: TrimMalloc;
  trimDelayMs?: number;
} = {}): () => void {
  let last = performance.eventLoopUtilization();
  let settledHeap = heapBytes();
  let workedSinceTrim = false;
  let pendingTrim: NodeJS.Timeout | undefined;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    const heap = heapBytes();
    // V8 gives some back by itself, at its own collections: growth counts from the lowest the heap was seen at.
    settledHeap = Math.min(settledHeap, heap);
    if (busy > idleUtilization) {
      workedSinceTrim = true;
      return;
    }
    let collected = true;
    if (heap > settledHeap + grownHeapBytes) {
      collect();
      settledHeap = heapBytes();
    } else if (youngBytes() > grownBytes) collect({ type: 'minor' });
    else collected = false;
    if ((collected || workedSinceTrim) && !pendingTrim) {
      workedSinceTrim = false;
      pendingTrim = setTimeout(() => {
        pendingTrim = undefined;
        trim();
      }, trimDelayMs);
      pendingTrim.unref();
    }
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    clearTimeout(pendingTrim);
  };
}
