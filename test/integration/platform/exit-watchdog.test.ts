import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trackChild } from '../../helpers/child-processes.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('exit watchdog', () => {
  it('kills a process whose main thread is stuck for good, on time, and says why', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/stuck-process.ts', '500'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = trackChild(child);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    await new Promise<void>((resolve) => child.stdout.on('data', () => output.includes('armed') && resolve()));
    const armedAt = Date.now();
    await exited;
    expect(child.signalCode).toBe('SIGKILL');
    expect(Date.now() - armedAt).toBeLessThan(10_000);
    expect(output).toContain('killed by the exit watchdog');
  });
});
