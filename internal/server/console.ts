import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyStaticOptions } from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The built console: web/dist beside the code, found from this file whether it runs compiled
 * (dist/internal/server) or as source (internal/server). Null when it was not built.
 */
export function consoleDirectory(configured: string): string | null {
  if (configured === 'off') return null;
  const candidates = configured
    ? [path.resolve(configured)]
    : ['../../web/dist', '../../../web/dist'].map((up) => fileURLToPath(new URL(up, import.meta.url)));
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? null;
}

/**
 * How @fastify/static serves the console's files at / next to the API. Its pages (/studio, /app/...)
 * are client routes: a browser asking for HTML at a path no API route has gets index.html (see
 * wantsConsolePage); API clients keep the envelope.
 */
export function consoleStaticOptions(dir: string): FastifyStaticOptions {
  return {
    root: dir,
    // A wildcard route, not one per file: a rebuilt console's new file names are served without a restart.
    wildcard: true,
    index: 'index.html',
    // The build writes .br and .gz beside each file; a browser that accepts one gets it.
    preCompressed: true,
    cacheControl: false,
    // Hashed file names under assets/ never change; index.html must be fetched fresh to find new ones.
    setHeaders(res, file) {
      const immutable = file.includes(`${path.sep}assets${path.sep}`);
      res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  };
}

/** True for a browser navigating to a console page (not an API call, not a missing asset). */
export function wantsConsolePage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const url = request.url.split('?')[0] ?? '';
  if (url.startsWith('/assets/') || path.extname(url) !== '') return false;
  return (request.headers.accept ?? '').includes('text/html');
}

export function sendConsolePage(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}
