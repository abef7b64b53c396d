import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trackChild } from './child-processes.js';
import { logFile } from './log-capture.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  port: number;
  /** Everything the process printed so far. */
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it is still there after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Generous: a first start on a fresh storage dir of a busy 2-core machine takes several seconds. */
const START_TIMEOUT_MS = 60_000;

/**
 * Runs a compiled entry point (what `npm start` / `npm run worker` run) as a child process and
 * resolves once `ready` appears in its output. Tracked, so it is ended after the test file even
 * when the test fails or times out.
 */
async function spawnEntry(
  entry: string,
  env: Record<string, string>,
  ready: (output: string) => boolean,
  nodeArgs: string[] = [],
  root = ROOT,
) {
  const child = spawn(process.execPath, ['--enable-source-maps', ...nodeArgs, entry], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = trackChild(child);
  let output = '';
  const keep = logFile(entry.split('/').at(-1)!.replace('.js', ''));
  const collect = (chunk: Buffer) => {
    output += chunk;
    keep(chunk);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const stop = async (graceMs = 20_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited.finally(() => clearTimeout(timer));
    }
    return exited;
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start in ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    // Once ready, no longer looked at: the whole output searched again at each line costs the reader
    // time that grows with the output (milliseconds per line after a bench's 15,000 answers).
    const check = () => {
      if (!ready(output)) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve();
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before it was ready:\n${output}`));
    });
  }).catch(async (err: unknown) => {
    await stop(1_000);
    throw err;
  });
  return { child, output: () => output, exited, stop };
}

/** Runs the API server (`npm start`'s program) on a free port; `root` runs another checkout's build instead of this one. */
export async function spawnServer(env: Record<string, string>, nodeArgs: string[] = [], root = ROOT): Promise<ServerProcess> {
  const listening = (output: string) => /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
  const proc = await spawnEntry(
    'dist/app/http/llmops-app.js',
    { PORT: '0', HOST: '127.0.0.1', ...env },
    (output) => Boolean(listening(output)) && output.includes('LLMOps is ready'),
    nodeArgs,
    root,
  );
  const port = Number(listening(proc.output())![1]);
  return { ...proc, port, baseUrl: `http://127.0.0.1:${port}` };
}

/** Runs `npm run worker`'s program; resolves once it consumes jobs. */
export async function spawnWorker(env: Record<string, string>): Promise<Omit<ServerProcess, 'baseUrl' | 'port'>> {
  return spawnEntry('dist/app/worker.js', env, (output) => output.includes('LLMOps worker is ready'));
}
