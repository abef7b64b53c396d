import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, registerAccount } from '../../helpers/accounts.js';
import { HttpClient } from '../../helpers/http-client.js';
import { trackChild } from '../../helpers/child-processes.js';
import { signalAndTime } from '../../helpers/process-timing.js';
import { spawnServer, type ServerProcess } from '../../helpers/server-process.js';

/** Sends a request's headers and half its body, leaving it in flight until `finish()` is called. */
function halfSentRequest(port: number, token: string, body: string) {
  const socket = connect(port, '127.0.0.1');
  let response = '';
  socket.on('data', (chunk) => (response += chunk));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const half = Math.floor(body.length / 2);
  socket.write(
    `POST /apps HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
  );
  return {
    async finish() {
      // Not end(): a client that half-closes has its response cut by Node's HTTP server (no half-open
      // connections), whenever the answer is not written before the FIN is read. Browsers and SDKs never do.
      socket.write(body.slice(half));
      await closed;
      return response;
    },
    async abandon() {
      await closed;
      return response;
    },
  };
}

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('graceful shutdown of the real server process', () => {
  let storageDir: string;
  const env = () => ({ STORAGE_DIR: storageDir, SECRET_KEY: 'shutdown-test-secret-key-0123456789abcdef' });
  beforeAll(async () => {
    storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-shutdown-'));
  });
  afterAll(() => rm(storageDir, { recursive: true, force: true }));

  let email: string;
  let token: string;

  it('on SIGTERM stops accepting, finishes the in-flight request, and exits 0; a restart sees the data', async () => {
    const first: ServerProcess = await spawnServer(env());
    const client = new HttpClient(first.baseUrl);
    ({ email, token } = await registerAccount(client));
    expect((await client.post('/apps', { token, body: { name: 'Before shutdown' } })).status).toBe(200);

    const inFlight = halfSentRequest(first.port, token, JSON.stringify({ name: 'In flight', description: 'sent across SIGTERM' }));
    await sleep(200);
    first.child.kill('SIGTERM');
    await sleep(300);
    expect(first.child.exitCode).toBeNull();
    await expect(fetch(`${first.baseUrl}/ping`)).rejects.toThrow();

    const response = await inFlight.finish();
    expect(response).toMatch(/^HTTP\/1\.1 200/);
    expect(response).toContain('"name":"In flight"');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('shutdown complete');

    const second = await spawnServer(env());
    try {
      const again = new HttpClient(second.baseUrl);
      const login = await again.post('/auth/password-login', { body: { email, password: PASSWORD } });
      expect(login.status).toBe(200);
      const apps = await again.get('/apps', { token: login.body.data.access_token });
      expect(apps.body.data.list.map((a: { name: string }) => a.name).sort()).toEqual(['Before shutdown', 'In flight']);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('bounds the wait: a request that never completes does not hold the process past the timeout', async () => {
    const server = await spawnServer({ ...env(), SHUTDOWN_TIMEOUT_MS: '500' });
    const stuck = halfSentRequest(server.port, token, JSON.stringify({ name: 'Never finished' }));
    await sleep(200);
    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server.output()).toContain('outlived the shutdown timeout');
    await stuck.abandon();
  });

  it('a stdout nobody reads any more cannot hold the process: it keeps serving, and exits on SIGTERM', async () => {
    const server = await spawnServer({ ...env(), SHUTDOWN_TIMEOUT_MS: '1000' });
    // The reader stops reading: the pipe fills after ~64 KiB, while every request logs two lines.
    server.child.stdout!.pause();
    server.child.stdout!.removeAllListeners('data');
    for (let i = 0; i < 60; i++) {
      await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${server.baseUrl}/no-such-route-${'x'.repeat(200)}`).then((r) => r.text())),
      );
    }
    const started = Date.now();
    const ping = await fetch(`${server.baseUrl}/ping`);
    expect(ping.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    const { code, ms } = await signalAndTime(server);
    expect(code, server.output().slice(-3000)).toBe(0);
    expect(ms).toBeLessThan(1_000 + 5_000);
  });

  it('a second signal ends the process at once, even while the first one waits for in-flight work', async () => {
    const server = await spawnServer({ ...env(), SHUTDOWN_TIMEOUT_MS: '60000' });
    const stuck = halfSentRequest(server.port, token, JSON.stringify({ name: 'Never finished' }));
    await sleep(200);
    server.child.kill('SIGTERM');
    await sleep(100);
    server.child.kill('SIGTERM'); // npm's forwarded copy of the same signal: ignored
    await sleep(1_500);
    expect(server.child.exitCode).toBeNull(); // still waiting for the request
    const { signal, ms } = await signalAndTime(server);
    expect(signal).toBe('SIGTERM');
    expect(ms).toBeLessThan(2_000);
    await stuck.abandon();
  });

  it('`npm start` in its own process group: SIGTERM to the group (npm forwards it too) still shuts down gracefully', async () => {
    const child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      detached: true, // its own process group, as a supervisor or a shell script runs it
      env: { ...process.env, ...env(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = trackChild(child);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`npm start did not start:\n${output}`)), 60_000);
        child.stdout.on('data', () => {
          const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
          if (match && output.includes('LLMOps is ready')) {
            clearTimeout(timer);
            resolve(Number(match[1]));
          }
        });
      });
      expect((await fetch(`http://127.0.0.1:${port}/ping`)).status).toBe(200);
      const started = Date.now();
      process.kill(-child.pid!, 'SIGTERM');
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(output).toContain('shutdown complete');
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone
      }
    }
  });
});
