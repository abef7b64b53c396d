import { createRequire } from 'node:module';
import type * as Koffi from 'koffi';

/** Gives the C allocator's free pages back to the system; false where the C library has no malloc_trim. */
export type TrimMalloc = () => boolean;

let trim: (() => number) | null | undefined;

/**
 * glibc's malloc_trim(0), through koffi (a C foreign-function interface shipped prebuilt).
 *
 * Buffers, socket reads and the embedded database's messages live in the C heap, not V8's. After a
 * burst of streams the request thread's C heap holds free chunks below a chunk still in use: glibc
 * returns free memory by itself only from the top of its heap, so those pages stay resident for
 * good unless malloc_trim gives them back. glibc's tunables cannot reach them either, and can only
 * be set before the process starts. koffi loads at the first trim, i.e. after traffic, never at
 * start-up.
 * Where the C library is not glibc (musl, macOS) there is nothing to call and this does nothing.
 */
export const trimMalloc: TrimMalloc = () => {
  if (trim === undefined) trim = loadTrim();
  if (!trim) return false;
  trim();
  return true;
};

function loadTrim(): (() => number) | null {
  if (process.platform !== 'linux') return null;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;
    const mallocTrim = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as (pad: number) => number;
    return () => mallocTrim(0);
  } catch {
    return null;
  }
}
