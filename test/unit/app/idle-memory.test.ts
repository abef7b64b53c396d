import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { releaseMemoryWhenIdle } from '../../../app/idle-memory.js';
import { waitFor } from '../../helpers/wait-for.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Keeps the event loop busy through whole intervals for `ms`, letting timers run in between. */
async function stayBusy(ms: number): Promise<void> {
  const busyUntil = Date.now() + ms;
  while (Date.now() < busyUntil) {
    busyFor(60);
    await sleep(1);
  }
}

/** Runs a script in a process of its own; it prints the heap's size before and after going idle. */
async function runAlone(script: string): Promise<{ grown: number; idle: number }> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 40_000 });
  return JSON.parse(stdout) as { grown: number; idle: number };
}

/**
 * In a process of its own, on the built module the server runs: the heap's size after `burst`, and
 * once it fell to half of that or `waitMs` passed.
 */
function heapAfterBurst(burst: string, waitMs: number): Promise<{ grown: number; idle: number }> {
  return runAlone(`
    import { getHeapStatistics } from 'node:v8';
    import { releaseMemoryWhenIdle } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/app/idle-memory.js')).href)};
    const total = () => getHeapStatistics().total_heap_size;
    releaseMemoryWhenIdle({ intervalMs: 500 });
    ${burst}
    const grown = total();
    const started = Date.now();
    const check = setInterval(() => {
      if (total() > grown / 2 && Date.now() - started < ${waitMs}) return;
      clearInterval(check);
      process.stdout.write(JSON.stringify({ grown, idle: total() }));
    }, 250);
  `);
}

describe('releaseMemoryWhenIdle', () => {
  it('collects while idle and the young generation is grown, never while the event loop is busy', async () => {
    const collections: string[] = [];
    let young = 32 << 20;
    const stop = releaseMemoryWhenIdle({
      intervalMs: 100,
      collect: (options) => {
        collections.push(options?.type ?? 'full');
        // The first collection came too soon after the traffic for V8; the second shrinks it.
        if (collections.length === 2) young = 1 << 20;
      },
      youngBytes: () => young,
      heapBytes: () => 64 << 20,
    });
    try {
      await sleep(650);
      // Idle for several intervals: collected until it shrank, then no more.
      expect(collections).toEqual(['minor', 'minor']);
      young = 32 << 20;
      // Busy through whole intervals: nothing collected, however grown; idle again: collected.
      await stayBusy(400);
      expect(collections).toHaveLength(2);
      await sleep(350);
      expect(collections.length).toBeGreaterThan(2);
    } finally {
      stop();
    }
  });

  it('collects the whole heap once when it grew and the process went idle, again only after it grows anew', async () => {
    const collections: string[] = [];
    let heap = 80 << 20;
    const stop = releaseMemoryWhenIdle({
      intervalMs: 100,
      grownHeapBytes: 32 << 20,
      collect: (options) => {
        collections.push(options?.type ?? 'full');
        // A full collection leaves the live data and some room: above where the heap began.
        if (!options) heap = 120 << 20;
      },
      youngBytes: () => 1 << 20,
      heapBytes: () => heap,
    });
    try {
      await sleep(350);
      expect(collections).toEqual([]);
      heap = 220 << 20;
      await waitFor(() => collections.length > 0, { message: 'a collection', intervalMs: 20 });
      await sleep(350);
      expect(collections).toEqual(['full']);
      // Growth counts from where the last full collection left it: 20 MiB more is not enough, 40 is.
      heap = 140 << 20;
      await sleep(350);
      expect(collections).toEqual(['full']);
      heap = 160 << 20;
      await waitFor(() => collections.length > 1, { message: 'a second collection', intervalMs: 20 });
      expect(collections).toEqual(['full', 'full']);
    } finally {
      stop();
    }
  });

  it('gives the C heap back once after work, a moment after the collection, and again only after more work', async () => {
    const events: string[] = [];
    let young = 32 << 20;
    const stop = releaseMemoryWhenIdle({
      intervalMs: 100,
      // Counting only this test's busy loops as work: on a loaded machine a 100 ms interval of a quiet
      // test process can still exceed 1% (a collection, a late timer), which would count as work.
      idleUtilization: 0.2,
      trimDelayMs: 150,
      collect: (options) => {
        events.push(options?.type ?? 'full');
        young = 1 << 20;
      },
      trim: () => {
        events.push('trim');
        return true;
      },
      youngBytes: () => young,
      heapBytes: () => 64 << 20,
    });
    try {
      await waitFor(() => events.includes('trim'), { message: 'a trim', intervalMs: 20 });
      await sleep(450);
      // One collection, its trim after it; quiet since: nothing more.
      expect(events).toEqual(['minor', 'trim']);
      // Work with nothing for V8 to collect after it: the trim alone, once.
      await stayBusy(300);
      expect(events).toEqual(['minor', 'trim']);
      await waitFor(() => events.length > 2, { message: 'a second trim', intervalMs: 20 });
      await sleep(450);
      expect(events).toEqual(['minor', 'trim', 'trim']);
    } finally {
      stop();
    }
  });

  it('gives back the old generation a burst left behind, in a process of its own', async () => {
    // V8 would keep it: a waiting process allocates nothing, so no collection of the old generation comes.
    const { grown, idle } = await heapAfterBurst(
      `let keep = [];
      for (let i = 0; i < 600000; i++) keep.push({ i, text: 'item ' + i });
      await new Promise((resolve) => setTimeout(resolve, 100));
      keep = null;`,
      25_000,
    );
    expect(grown).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    expect(idle).toBeLessThanOrEqual(grown / 2);
  }, 50_000);

  it('compacts the old generation a burst left fragmented, in a process of its own', async () => {
    // Every 50th object lives on: a collection that does not compact keeps most pages (137 of 173 MiB
    // here). Waited for less than the 8 s after which V8's memory reducer would compact them anyway.
    const { grown, idle } = await heapAfterBurst(
      `let all = [];
      for (let i = 0; i < 1500000; i++) all.push({ i, text: 'item ' + i });
      globalThis.kept = all.filter((_, i) => i % 50 === 0);
      all = null;`,
      6_000,
    );
    expect(grown).toBeGreaterThanOrEqual(96 * 1024 * 1024);
    expect(idle).toBeLessThanOrEqual(grown / 2);
  }, 50_000);

  it('gives back the young generation an idle process grew, in a process of its own', async () => {
    // V8 shrinks it at a collection once allocation has been low for a few seconds: nothing else may
    // allocate meanwhile, so this runs alone, on the built module the server runs.
    const script = `
      import { getHeapSpaceStatistics } from 'node:v8';
      import { releaseMemoryWhenIdle } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/app/idle-memory.js')).href)};
      const young = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
      let keep = [];
      for (let round = 0; round < 50; round++) keep = Array.from({ length: 20000 }, (_, i) => ({ i, round }));
      keep = [];
      const grown = young();
      releaseMemoryWhenIdle();
      const started = Date.now();
      const check = setInterval(() => {
        if (young() > grown / 4 && Date.now() - started < 25000) return;
        clearInterval(check);
        process.stdout.write(JSON.stringify({ grown, idle: young(), afterMs: Date.now() - started }));
      }, 250);
    `;
    const { grown, idle } = await runAlone(script);
    expect(grown).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(idle).toBeLessThanOrEqual(grown / 4);
  }, 50_000);
});
