import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HttpCode } from '../../pkg/response/http-code.js';
import { fail } from '../../pkg/response/response.js';
import { AppError, RateLimitedException } from '../exception/app-error.js';

interface FieldError {
  field: string;
  message: string;
}

/** The one place an error becomes an HTTP status and an envelope. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    if (error instanceof RateLimitedException) reply.header('retry-after', String(error.retryAfterSeconds));
    return reply.status(error.status).send(fail(error.code, error.message, error.data));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'body';
    const errors: FieldError[] = error.validation.map((v) => ({
      field: v.instancePath.replace(/^\//, '').replaceAll('/', '.') || where,
      message: v.message ?? 'is invalid',
    }));
    const first = errors[0]!;
    return reply.status(400).send(fail(HttpCode.ValidateError, `${first.field}: ${first.message}`, { errors }));
  }
  const status = (error as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    // Fastify's own client errors: malformed JSON, body too large, unsupported content type.
    return reply.status(status).send(fail(HttpCode.Fail, clientMessage(error as FastifyError)));
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply
    .status(500)
    .send(fail(HttpCode.Fail, `internal server error; quote request id ${request.id} when reporting it`, { request_id: request.id }));
}

function clientMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type; send application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'request body is empty; send a JSON object';
    default:
      return error.message;
  }
}
