import type { Reporter, TestModule } from 'vitest/node';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { processesOfRun, TEST_RUN_ENV } from '../helpers/leftover-processes.js';
import { runLogDir, secretsInLogs } from '../helpers/log-capture.js';

/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, which CI reads. A test file
 * that could not load, or whose set-up failed, counts as one failure, so it never passes silently;
 * so does a process the run started that is still alive at its end.
 */
export default class SummaryReporter implements Reporter {
  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): Promise<void> {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failedHere += 1;
        else skipped += 1;
      }
      // A file that failed to load, or whose beforeAll failed (its tests then show as skipped), is a failure too.
      if (failedHere === 0 && (module.errors().length > 0 || module.state() === 'failed')) failedHere = 1;
      failed += failedHere;
    }
    if (await this.leftProcesses()) failed += 1;
    if (this.leakedSecrets()) failed += 1;
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
    if (failed > 0) process.exitCode = 1;
  }

  /** Log lines of the run's servers that carry a secret: printed, and counted as a failure. */
  private leakedSecrets(): boolean {
    const runId = process.env[TEST_RUN_ENV];
    if (!runId) return false;
    const leaks = secretsInLogs(runId);
    rmSync(runLogDir(runId), { recursive: true, force: true });
    if (leaks.length === 0) return false;
    process.stdout.write(`\nFAILED: secrets in the servers' logs:\n`);
    for (const { file, what, line } of leaks) process.stdout.write(`  ${what} in ${file}: ${line}\n`);
    return true;
  }

  /** Processes the run started that are still alive: reported, ended, and counted as a failure. */
  private async leftProcesses(): Promise<boolean> {
    const runId = process.env[TEST_RUN_ENV];
    if (!runId) return false;
    let left = processesOfRun(runId);
    // Processes just sent SIGKILL by a file's teardown may take a moment to be gone.
    for (let i = 0; i < 10 && left.length > 0; i++) {
      await sleep(300);
      left = processesOfRun(runId);
    }
    if (left.length === 0) return false;
    process.stdout.write(`\nFAILED: ${left.length} process(es) started by the tests outlived them:\n`);
    for (const { pid, command } of left) {
      process.stdout.write(`  ${pid} ${command}\n`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    return true;
  }
}
