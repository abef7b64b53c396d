import { createRequire } from 'node:module';
import type * as Koffi from 'koffi';

/** Gives the C allocator's free pages back to the system; false where the C library has no malloc_trim. */
export type TrimMalloc = () => boolean;

let trim: (() => number) | null | undefined;

/**
 * glibc's malloc_trim(0), through koffi (a C foreign-function interface shipped prebuilt).
 *
 * Buffers, socket reads and the embedded database's messages live in the C heap, not V8's. After a
 * burst of 500 streams the request thread's C heap held 53-70 MiB of which ~40 were free chunks
 * below a chunk still in use: glibc returns free memory by itself only from the top of its heap,
 * so those pages stayed resident for good (measured by calling malloc_trim from a debugger: 53 ->
 * 13 MiB). glibc's tunables cannot reach them either, and can only be set before the process
 * starts. koffi loads (10 ms, ~5 MiB) at the first trim, i.e. after traffic, never at start-up.
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
