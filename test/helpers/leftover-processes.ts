import { readdirSync, readFileSync } from 'node:fs';

/** Environment variable that marks every process of one `npm test` run (inherited by what tests spawn). */
export const TEST_RUN_ENV = 'LLMOPS_TEST_RUN';

/**
 * Processes that carry the run's mark, with their command lines (Linux /proc): all but this one
 * and its direct children (the test runner's own workers and tools).
 */
export function processesOfRun(runId: string): Array<{ pid: number; command: string }> {
  const mark = `${TEST_RUN_ENV}=${runId}\0`;
  const found: Array<{ pid: number; command: string }> = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found; // not Linux: nothing to check with
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').includes(mark)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
      const [state, ppid] = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.split(' ') ?? [];
      if (state === 'Z' || Number(ppid) === process.pid) continue; // a zombie has ended; a direct child is the runner's
      found.push({ pid, command });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
