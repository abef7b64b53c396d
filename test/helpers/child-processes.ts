import type { ChildProcess } from 'node:child_process';

/** Every process this test file started and that has not exited yet. */
const alive = new Set<ChildProcess>();

/** Tracks a child until it exits; resolves with its exit code (null when a signal ended it). */
export function trackChild(child: ChildProcess): Promise<number | null> {
  alive.add(child);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      alive.delete(child);
      resolve(code);
    });
  });
}

/** Ends every tracked child: SIGTERM, then SIGKILL for those still there after `graceMs`. */
export async function endChildren(graceMs = 5_000): Promise<number> {
  const left = [...alive];
  await Promise.all(
    left.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, graceMs).unref();
        }),
    ),
  );
  return left.length;
}

/** Last resort when the test process itself ends: nothing it started may outlive it. */
export function killChildrenNow(): void {
  for (const child of alive) child.kill('SIGKILL');
}
