import { createWriteStream, mkdirSync, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_RUN_ENV } from './leftover-processes.js';

/** Where this run keeps every log line its servers wrote, for the secrets scan at its end. */
export function runLogDir(runId = process.env[TEST_RUN_ENV] ?? 'no-run'): string {
  return path.join(tmpdir(), `llmops-test-logs-${runId}`);
}

let counter = 0;

/** A file that collects one server's log output (in-process or spawned); returns the writer. */
export function logFile(name: string): (chunk: string | Buffer) => void {
  const dir = runLogDir();
  mkdirSync(dir, { recursive: true });
  let stream: WriteStream | undefined = createWriteStream(path.join(dir, `${process.pid}-${counter++}-${name}.log`));
  stream.on('error', () => (stream = undefined));
  return (chunk) => {
    stream?.write(chunk);
  };
}

/** Secrets the suite uses, and shapes of those it makes (app keys, JWTs): none may appear in a log line. */
const SECRET_PATTERNS: Array<[string, RegExp]> = [
  ['provider API key', /sk-fake-test-key/],
  ['account password', /correct-h0rse-battery|wrong-passw0rd|new-passw0rd-42/],
  ['app API key', /app-[A-Za-z0-9_-]{32}/],
  ['access token (JWT)', /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  ['secret key', /test-secret-key-that-is-long-enough|shutdown-test-secret-key|recovery-test-secret-key|crash-test-secret-key/],
  ['signed file link', /[?&]sign=[A-Za-z0-9_-]{16,}/],
  ['public link token (web app, MCP server)', /\/(web-apps|mcp)\/[A-Za-z0-9_-]{20,}/],
];

/** Every log line of the run that carries a secret, with what it carries (at most `limit`). */
export function secretsInLogs(runId: string, limit = 10): Array<{ file: string; what: string; line: string }> {
  const dir = runLogDir(runId);
  const found: Array<{ file: string; what: string; line: string }> = [];
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return found;
  }
  for (const file of files) {
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      for (const [what, pattern] of SECRET_PATTERNS) {
        if (pattern.test(line)) found.push({ file, what, line: line.slice(0, 400) });
      }
      if (found.length >= limit) return found;
    }
  }
  return found;
}
