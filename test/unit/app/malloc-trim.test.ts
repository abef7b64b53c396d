import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);
const glibc = Boolean((process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);

describe.skipIf(!glibc)('trimMalloc (needs glibc: elsewhere there is no malloc_trim to call)', () => {
  it('gives back the C heap that freed buffers left below one still in use, in a process of its own', async () => {
    // 16 KiB buffers come from the C heap (below glibc's mmap threshold); every 64th is kept, so
    // freed memory is never at the heap's top, where glibc would give it back by itself.
    const script = `
      import { readFileSync } from 'node:fs';
      import { trimMalloc } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/app/malloc-trim.js')).href)};
      const rss = () => Number(readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * 4096;
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      const start = rss();
      let buffers = Array.from({ length: 4096 }, () => Buffer.allocUnsafeSlow(16384).fill(1));
      const kept = buffers.filter((_, i) => i % 64 === 63);
      buffers = null;
      gc();
      await sleep(300);
      const freed = rss();
      const trimmed = trimMalloc();
      await sleep(50);
      process.stdout.write(JSON.stringify({ start, freed, trimmed, after: rss(), kept: kept.length }));
    `;
    const { stdout } = await run(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { timeout: 30_000 });
    const { start, freed, trimmed, after, kept } = JSON.parse(stdout) as Record<string, number | boolean>;
    const MiB = 1024 * 1024;
    expect(kept).toBe(64);
    expect(trimmed).toBe(true);
    // Without the trim the freed buffers stay resident...
    expect(freed as number).toBeGreaterThan((start as number) + 40 * MiB);
    // ...with it, all but the kept ones (1 MiB) and koffi's library (~5 MiB) go back.
    expect(after as number).toBeLessThan((start as number) + 16 * MiB);
  }, 40_000);
});
