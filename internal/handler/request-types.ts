import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';

/** A request whose parts have passed their zod schemas. */
export type Validated<P extends { body?: z.ZodType; params?: z.ZodType; query?: z.ZodType }> = FastifyRequest<{
  Body: P['body'] extends z.ZodType ? z.output<P['body']> : unknown;
  Params: P['params'] extends z.ZodType ? z.output<P['params']> : unknown;
  Querystring: P['query'] extends z.ZodType ? z.output<P['query']> : unknown;
}>;
