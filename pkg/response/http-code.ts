/** Envelope codes every JSON response carries, and the HTTP status each one travels with. */
export const HttpCode = {
  Success: 'success',
  Fail: 'fail',
  NotFound: 'not_found',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  ValidateError: 'validate_error',
  RateLimited: 'rate_limited',
} as const;

export type HttpCode = (typeof HttpCode)[keyof typeof HttpCode];

export const httpStatusOf: Record<HttpCode, number> = {
  success: 200,
  fail: 400,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  validate_error: 400,
  rate_limited: 429,
};
