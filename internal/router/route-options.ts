import type { RouteAuth } from '../middleware/auth.js';
import { errorResponses } from '../schema/common-schema.js';

/**
 * Options every route states: who may call it, how the docs group and describe it, and its
 * schemas. The common error answers are added so the OpenAPI document shows them too.
 */
export function route<S extends { response?: object }>(auth: RouteAuth, tag: string, summary: string, schema: S) {
  return {
    config: { auth },
    schema: {
      tags: [tag],
      summary,
      ...(auth === 'account' ? { security: [{ bearer: [] }] } : {}),
      ...schema,
      response: { ...errorResponses, ...schema.response },
    },
  };
}
