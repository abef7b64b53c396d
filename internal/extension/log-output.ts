import { fstatSync } from 'node:fs';
import type { Socket } from 'node:net';
import { pino } from 'pino';

/** Where log lines go: written without ever blocking the event loop when the output is a pipe. */
export interface LogOutput {
  write(line: string): boolean;
  /** Resolves once what was written has left the process, or after `timeoutMs`. */
  flush(timeoutMs: number): Promise<void>;
}

/** Past this much unwritten output, lines are dropped (and counted) rather than held in memory. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

/**
 * A pipe or socket on stdout is written through Node's own process.stdout: a libuv stream on a
 * non-blocking descriptor that queues what the reader has not taken yet. pino's default, a
 * synchronous write to fd 1, blocks the whole process once the reader stops reading: the main
 * thread parks in write() (or in sonic-boom's EAGAIN sleep loop), signal handlers never run, and
 * the server cannot shut down. Here a stuck reader costs dropped lines, never a stuck process.
 */
class PipeOutput implements LogOutput {
  private readonly socket: Socket;
  private broken = false;
  private dropped = 0;

  constructor() {
    this.socket = process.stdout as unknown as Socket;
    this.socket.on('error', () => {
      // The reader is gone (EPIPE): nothing can be logged any more, and that must not end the process.
      this.broken = true;
    });
    this.socket.on('drain', () => {
      if (this.dropped === 0) return;
      const dropped = this.dropped;
      this.dropped = 0;
      this.socket.write(`${JSON.stringify({ level: 40, time: Date.now(), msg: `log output was stuck; ${dropped} lines dropped` })}\n`);
    });
  }

  write(line: string): boolean {
    if (this.broken) return false;
    if (this.socket.writableLength > MAX_PENDING_BYTES) {
      this.dropped += 1;
      return false;
    }
    return this.socket.write(line);
  }

  async flush(timeoutMs: number): Promise<void> {
    if (this.broken || this.socket.writableLength === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.socket.once('drain', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** A file or a terminal: ordinary synchronous writes. */
class FileOutput implements LogOutput {
  private readonly stream = pino.destination({ dest: 1, sync: true });

  write(line: string): boolean {
    this.stream.write(line);
    return true;
  }

  async flush(): Promise<void> {}
}

let stdout: LogOutput | undefined;

/** The process's stdout as a log output, one per process. */
export function stdoutLogOutput(): LogOutput {
  if (!stdout) {
    const stat = fstatSync(1);
    stdout = stat.isFIFO() || stat.isSocket() ? new PipeOutput() : new FileOutput();
  }
  return stdout;
}

/** Gives pending log lines up to `timeoutMs` to leave the process (before it exits). */
export async function flushStdoutLogs(timeoutMs: number): Promise<void> {
  await stdout?.flush(timeoutMs);
}
