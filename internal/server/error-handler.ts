import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HttpCode } from '../../pkg/response/http-code.js';
import { fail } from '../../pkg/response/response.js';
import { LlmError } from '../core/llm/llm-types.js';
import { AppError, RateLimitedError, DifyApiError } from '../exception/app-error.js';
import { openAiError } from '../schema/openai-schema.js';

interface FieldError {
  field: string;
  message: string;
}

interface Failure {
  status: number;
  code: HttpCode;
  message: string;
  data?: Record<string, unknown> | undefined;
  /** The code Dify's API would answer, where it has a more specific one. */
  difyCode?: string | undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'dify': errors as Dify's service API writes them, `{code, message, status}`; else the envelope. */
    errorFormat?: 'envelope' | 'dify' | 'openai' | 'jsonrpc';
  }
}

/** The one place an error becomes an HTTP status and a body, in the caller's format. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const failure = toFailure(error, request);
  if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
  const format = request.routeOptions?.config?.errorFormat ?? formatOfPath(request.url);
  if (format === 'dify') {
    return reply
      .status(failure.status)
      .send({ code: failure.difyCode ?? difyCodeOf(failure), message: failure.message, status: failure.status });
  }
  if (format === 'openai') return reply.status(failure.status).send({ error: openAiError(failure) });
  if (format === 'jsonrpc') {
    // An MCP client reads JSON-RPC errors; -32600 is "invalid request", -32000 the first server-defined code.
    const code = failure.status === 400 ? -32600 : -32000;
    return reply
      .status(failure.status)
      .send({ jsonrpc: '2.0', error: { code, message: failure.message, data: { code: failure.code } }, id: null });
  }
  return reply.status(failure.status).send(fail(failure.code, failure.message, failure.data));
}

function toFailure(error: FastifyError | Error, request: FastifyRequest): Failure {
  if (error instanceof DifyApiError) return { status: error.status, code: error.code, message: error.message, difyCode: error.difyCode };
  if (error instanceof AppError) return { status: error.status, code: error.code, message: error.message, data: error.data };
  if (error instanceof LlmError) {
    // The model provider failed (unreachable, refused the key, rate limited): the caller's configuration or the
    // provider's trouble, not a bug here. Dify answers these 400 completion_request_error.
    return {
      status: 400,
      code: HttpCode.Fail,
      message: `the model provider failed: ${error.message}`,
      data: { kind: error.kind },
      difyCode: 'completion_request_error',
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'body';
    const errors: FieldError[] = error.validation.map((v) => ({
      field: v.instancePath.replace(/^\//, '').replaceAll('/', '.') || where,
      message: v.message ?? 'is invalid',
    }));
    const first = errors[0]!;
    return { status: 400, code: HttpCode.ValidateError, message: `${first.field}: ${first.message}`, data: { errors } };
  }
  const status = (error as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    // Fastify's own client errors: malformed JSON, body too large, unsupported content type.
    return { status, code: HttpCode.Fail, message: clientMessage(error as FastifyError) };
  }
  request.log.error({ err: error }, 'unhandled error');
  return {
    status: 500,
    code: HttpCode.Fail,
    message: `internal server error; quote request id ${request.id} when reporting it`,
    data: { request_id: request.id },
    difyCode: 'internal_server_error',
  };
}

/**
 * The error format of a request no route took (unknown path, malformed URL, an overlong path
 * segment): what a client of that path family expects.
 */
function formatOfPath(url: string): 'envelope' | 'dify' | 'openai' | 'jsonrpc' {
  const path = url.split('?')[0] ?? '';
  if (path.startsWith('/mcp/')) return 'jsonrpc';
  if (path === '/v1/chat/completions' || path === '/v1/models') return 'openai';
  return path.startsWith('/v1/') ? 'dify' : 'envelope';
}

function difyCodeOf(failure: Failure): string {
  switch (failure.code) {
    case HttpCode.NotFound:
      return 'not_found';
    case HttpCode.Unauthorized:
      return 'unauthorized';
    case HttpCode.Forbidden:
      return 'forbidden';
    case HttpCode.RateLimited:
      return 'too_many_requests';
    default:
      return failure.status === 413 ? 'file_too_large' : failure.status === 415 ? 'unsupported_file_type' : 'invalid_param';
  }
}

function clientMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type; send application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'request body is empty; send a JSON object';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'a path segment is too long';
    case 'FST_ERR_BAD_URL':
      return 'the URL is malformed';
    default:
      return error.message;
  }
}
