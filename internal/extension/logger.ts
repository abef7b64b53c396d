import { pino, type Logger } from 'pino';
import { stdoutLogOutput } from './log-output.js';

export type { Logger };

/** Fields that may carry secrets; pino replaces them before a line is written. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.new_password',
  '*.old_password',
  '*.api_key',
  '*.apiKey',
  '*.secret_key',
  '*.access_token',
  '*.token',
  '*.key',
  '*.credentials',
];

/** `destination` is for tests that read what was logged; the server writes to stdout, never blocking on it. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' } };
  return pino(options, destination ?? stdoutLogOutput());
}
