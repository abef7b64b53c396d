import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from '../extension/logger.js';
import { nulGuardHook } from '../middleware/nul-guard.js';
import { OneLineRequestLog } from './request-log.js';
import { REQUEST_ID_HEADER, requestId } from '../middleware/request-id.js';
import { NotFoundError } from '../exception/app-error.js';
import { handleError } from './error-handler.js';
import { consoleStaticOptions, sendConsolePage, wantsConsolePage } from './console.js';

export interface HttpServerOptions {
  logger: Logger;
  corsOrigins: string;
  bodyLimitBytes: number;
  /** Largest file one multipart upload may carry. */
  uploadMaxBytes: number;
  version: string;
  /** The built console's folder (see console.ts), or null to serve none. */
  consoleDir?: string | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Fires when the shutdown cuts in-flight work (see app/shutdown.ts). */
    streamsShutdown: AbortSignal;
    interruptStreams(): void;
  }
}

/**
 * Schemas are zod's, validated and serialised by the type provider. Given as the compilers' factories,
 * Fastify does not load its defaults (Ajv and fast-json-stringify), which cost start-up time for
 * nothing; their types are Ajv's, hence the cast.
 */
const ZOD_COMPILERS = {
  compilersFactory: { buildValidator: () => validatorCompiler, buildSerializer: () => serializerCompiler },
} as unknown as FastifyServerOptions['schemaController'];

/** Fastify with the zod type provider, envelope errors, request ids, CORS and the OpenAPI document. */
export async function createHttpServer(options: HttpServerOptions) {
  const server = Fastify({
    loggerInstance: options.logger,
    logController: new OneLineRequestLog(),
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: options.bodyLimitBytes,
    // Idle keep-alive sockets close at once on shutdown; busy ones finish their request.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // A malformed URL or an overlong path segment is refused before routing; it still gets the envelope.
    frameworkErrors: (error, request, reply) => {
      void handleError(error, request, reply);
    },
    schemaController: ZOD_COMPILERS,
  }).withTypeProvider<ZodTypeProvider>();

  server.setErrorHandler(handleError);
  // The API speaks JSON; a text body is a client mistake, answered 415 rather than parsed.
  server.removeContentTypeParser('text/plain');
  const consoleDir = options.consoleDir ?? null;
  if (consoleDir) await server.register(fastifyStatic, consoleStaticOptions(consoleDir));
  server.setNotFoundHandler((request, reply) => {
    if (consoleDir && wantsConsolePage(request)) return sendConsolePage(reply);
    return handleError(new NotFoundError(`no route ${request.method} ${request.url.split('?')[0]}`), request, reply);
  });
  // Aborted when a shutdown cuts what is still running: open event streams end with a final error event.
  const streamsShutdown = new AbortController();
  server.decorate('streamsShutdown', streamsShutdown.signal);
  server.decorate('interruptStreams', () => streamsShutdown.abort());
  server.decorateRequest('auth', null);
  server.decorateRequest('appKey', null);
  server.addHook('preValidation', nulGuardHook);
  server.addHook('onSend', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });

  // One file per request; its size is checked again per route (documents and images differ).
  await server.register(multipart, { limits: { files: 1, fields: 10, fieldSize: 64 * 1024, fileSize: options.uploadMaxBytes } });
  await server.register(cors, { origin: corsOrigin(options.corsOrigins), exposedHeaders: [REQUEST_ID_HEADER] });
  await server.register(swagger, {
    openapi: {
      info: { title: 'LLMOps API', description: 'Build, debug, publish and operate LLM applications.', version: options.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });
  await server.register(swaggerUi, { routePrefix: '/docs' });
  return server;
}

function corsOrigin(setting: string): string | string[] | boolean {
  const trimmed = setting.trim();
  if (trimmed === '*') return '*';
  if (trimmed === '') return false;
  return trimmed
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
}

export type HttpServer = Awaited<ReturnType<typeof createHttpServer>>;
