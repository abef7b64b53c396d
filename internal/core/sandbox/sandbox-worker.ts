import dgram from 'node:dgram';
import dns from 'node:dns';
import { constants } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { renderJinja } from './jinja-runner.js';
import { loadJavaScript, runJavaScript } from './javascript-runner.js';
import { loadPython, runPython } from './python-runner.js';
import type { SandboxJob, SandboxReply } from './sandbox-types.js';

/**
 * One sandbox process: takes one job at a time from the pool and answers it. A process, not a
 * thread: a thread that runs out of heap takes Node 20's whole process down with it. It runs under
 * Node's permission model (it may read only its own code: no files, no child processes, no native
 * bindings) with an empty environment, and its network is cut below (the permission model does not
 * cover sockets in Node 20), so code that escapes its interpreter still finds nothing to reach.
 */
const limits = { timeoutMs: Number(process.env['SANDBOX_TIMEOUT_MS']), memoryMb: Number(process.env['SANDBOX_MEMORY_MB']) };
const group = process.env['SANDBOX_GROUP'] === 'python' ? 'python' : 'javascript';

async function run(job: SandboxJob): Promise<SandboxReply> {
  switch (job.kind) {
    case 'javascript':
      return runJavaScript(job.code, job.inputs, limits);
    case 'python':
      return runPython(job.code, job.inputs);
    case 'jinja':
      return renderJinja(job.template, job.variables);
  }
}

function cutNetwork(): void {
  const refuse = () => {
    throw new Error('the sandbox has no network');
  };
  const cut = (target: object, key: string) => Object.defineProperty(target, key, { value: refuse, writable: false, configurable: false });
  cut(net.Socket.prototype, 'connect');
  cut(net, 'createServer');
  cut(dgram, 'createSocket');
  cut(dns, 'lookup');
  cut(tls, 'connect');
  for (const name of ['fetch', 'WebSocket', 'EventSource'] as const) Reflect.deleteProperty(globalThis, name);
}

const answer = (reply: SandboxReply) => process.send!(reply);
process.on('message', (job: SandboxJob) => {
  run(job).then(answer, (err: unknown) => answer({ ok: false, error: (err as Error).message ?? String(err) }));
});
// The server going away ends the channel; the sandbox goes with it.
process.on('disconnect', () => process.exit(0));

// Pyodide's file system setup asks for the fs constants the old way, which the permission model refuses.
const legacy = process as unknown as { binding(name: string): unknown };
const binding = legacy.binding.bind(process);
legacy.binding = (name: string) => (name === 'constants' ? { fs: constants } : binding(name));
// Ready once the interpreters are loaded, so no job's time limit pays for them.
await (group === 'python' ? loadPython() : Promise.all([loadJavaScript(), import('@huggingface/jinja')]));
cutNetwork();
process.send!({ ready: true });
