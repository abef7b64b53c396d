/** Work a sandbox runs: a user's code or template, never trusted with the server's memory, files or network. */
export type SandboxJob =
  | { kind: 'javascript'; code: string; inputs: Record<string, unknown> }
  | { kind: 'python'; code: string; inputs: Record<string, unknown> }
  | { kind: 'jinja'; template: string; variables: Record<string, unknown> };

/** Which sandboxes run a job: Python's interpreter is large and slow to start, so it has processes of its own. */
export type SandboxGroup = 'javascript' | 'python';
export const groupOf = (job: SandboxJob): SandboxGroup => (job.kind === 'python' ? 'python' : 'javascript');

export interface SandboxLimits {
  /** Wall time per job; past it the worker is ended and replaced. */
  timeoutMs: number;
  /** Heap per job (the interpreter's) and per worker. */
  memoryMb: number;
  /** Workers kept warm. */
  poolSize: number;
}

export type SandboxReply = { ok: true; value: unknown } | { ok: false; error: string };

/** A job that failed inside the sandbox (the code threw, timed out, ran out of memory); the message is the user's to read. */
export class SandboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxError';
  }
}
