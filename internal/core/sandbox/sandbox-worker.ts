import { renderJinja } from './jinja-runner.js';
import { loadJavaScript, runJavaScript } from './javascript-runner.js';
import type { SandboxJob, SandboxReply } from './sandbox-types.js';

/**
 * One sandbox process: takes one job at a time from the pool and answers it. A process, not a
 * thread: a thread that runs out of heap takes Node 20's whole process down with it.
 */
const limits = { timeoutMs: Number(process.env['SANDBOX_TIMEOUT_MS']), memoryMb: Number(process.env['SANDBOX_MEMORY_MB']) };

async function run(job: SandboxJob): Promise<SandboxReply> {
  switch (job.kind) {
    case 'javascript':
      return runJavaScript(job.code, job.inputs, limits);
    case 'jinja':
      return renderJinja(job.template, job.variables);
  }
}

const answer = (reply: SandboxReply) => process.send!(reply);
process.on('message', (job: SandboxJob) => {
  run(job).then(answer, (err: unknown) => answer({ ok: false, error: (err as Error).message ?? String(err) }));
});
// The server going away ends the channel; the sandbox goes with it.
process.on('disconnect', () => process.exit(0));
// Ready once the interpreters are loaded, so no job's time limit pays for them.
await Promise.all([loadJavaScript(), import('@huggingface/jinja')]);
process.send!({ ready: true });
