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

/** Query parameters that carry credentials (signed file links, tokens, keys). */
const SECRET_QUERY = /^(sign|nonce|token|access_token|api_key|key|secret|password)$/i;

/** Public links whose path segment is the credential: a web app's link, an app's MCP server. */
const SECRET_PATH = /^\/(web-apps|mcp)\/[^/?]+/;

/** A request URL as logged: link tokens in the path and credential-bearing query values are left out. */
export function loggableUrl(rawUrl: string): string {
  const url = rawUrl.replace(SECRET_PATH, '/$1/[redacted]');
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=')[0] ?? '';
      return SECRET_QUERY.test(decodeURIComponentSafe(name)) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, at)}?${query.join('&')}`;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** `destination` is for tests that read what was logged; the server writes to stdout, never blocking on it. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: {
      // Fastify's request line, with the URL's credentials left out.
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: loggableUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  };
  return pino(options, destination ?? stdoutLogOutput());
}
