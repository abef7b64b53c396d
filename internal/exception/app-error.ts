import { HttpCode, httpStatusOf } from '../../pkg/response/http-code.js';

/**
 * An error the client caused or may act on. The server's error handler turns it into the
 * envelope with `code`, `message` and `data`; anything that is not an AppError is a bug (500).
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: HttpCode,
    message: string,
    readonly data: Record<string, unknown> = {},
    status?: number,
  ) {
    super(message);
    this.name = new.target.name;
    this.status = status ?? httpStatusOf[code];
  }
}

export class FailError extends AppError {
  constructor(message: string, data?: Record<string, unknown>) {
    super(HttpCode.Fail, message, data);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'not found') {
    super(HttpCode.NotFound, message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'unauthorized') {
    super(HttpCode.Unauthorized, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'forbidden') {
    super(HttpCode.Forbidden, message);
  }
}

export class ValidationError extends AppError {
  constructor(message: string, data?: Record<string, unknown>) {
    super(HttpCode.ValidateError, message, data);
  }
}

export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(HttpCode.RateLimited, message, { retry_after: retryAfterSeconds });
  }
}

/** A dependency (database, queue) is down; the client may retry later. */
export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super(HttpCode.Fail, message, {}, 503);
  }
}

/** An error of the Dify-compatible service API, with Dify's own code (`conversation_not_exists`, `app_unavailable` ...). */
export class DifyApiError extends AppError {
  constructor(
    status: number,
    readonly difyCode: string,
    message: string,
  ) {
    super(status === 404 ? HttpCode.NotFound : status === 401 ? HttpCode.Unauthorized : HttpCode.Fail, message, {}, status);
  }
}

/** Dify's answer for an app that is not published (or whose published version is gone). */
export function appUnavailable(): DifyApiError {
  return new DifyApiError(400, 'app_unavailable', 'App unavailable, please check your app configurations.');
}
