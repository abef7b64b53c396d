import { pino, type Logger } from 'pino';

export type { Logger };

/** Fields that may carry secrets; pino replaces them before a line is written. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.new_password',
  '*.old_password',
  '*.api_key',
  '*.secret_key',
  '*.access_token',
];

/** `destination` is for tests that read what was logged; the server writes to stdout. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
