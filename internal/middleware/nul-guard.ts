import type { FastifyRequest } from 'fastify';
import { ValidationError } from '../exception/app-error.js';

/** Where in `value` a string holds U+0000, as a dotted path, or undefined. */
function nulAt(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return path;
    const found = nulAt(item, path ? `${path}.${key}` : key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * PostgreSQL text cannot hold U+0000: a body, query or path value carrying one would fail deep
 * in a statement (a 500, maybe after other writes). Refused here, before any handler runs, as
 * the caller's mistake, naming the field.
 */
export async function nulGuardHook(req: FastifyRequest): Promise<void> {
  for (const [where, value] of [
    ['params', req.params],
    ['query', req.query],
    ['body', req.body],
  ] as const) {
    const field = nulAt(value, '');
    if (field !== undefined) throw new ValidationError(`${field || where}: must not contain NUL characters (\\u0000)`);
  }
}
