import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { TEST_RUN_ENV } from '../helpers/leftover-processes.js';

/**
 * Once per `npm test`: compile the server (process tests run what `npm start` runs), and mark
 * this run, so every process it starts carries the mark and none can outlive the run unnoticed.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'inherit' });
  process.env[TEST_RUN_ENV] ??= randomBytes(6).toString('hex');
}
