import type { RouteAuth } from '../middleware/auth.js';
import { Permission, rolesFor } from '../service/identity/permissions.js';
import { jsonRpcError } from '../schema/app-mcp-schema.js';
import { errorResponses } from '../schema/common-schema.js';
import { openAiErrorBody } from '../schema/openai-schema.js';
import { difyError } from '../schema/service-api-schema.js';

const PERMISSIONS = new Set<string>(Object.values(Permission));

/**
 * Options every route states: who may call it (anyone, any signed-in account, or a member whose role
 * has the given permission in the current workspace), how the docs group and describe it, and its
 * schemas. The common error answers are added so the OpenAPI document shows them too.
 */
export function route<S extends { response?: object }>(auth: RouteAuth | Permission, tag: string, summary: string, schema: S) {
  const permission = PERMISSIONS.has(auth) ? (auth as Permission) : undefined;
  return {
    config: (permission ? { auth: 'account', permission } : { auth }) as { auth: RouteAuth; permission?: Permission },
    schema: {
      tags: [tag],
      summary,
      ...(permission ? { description: `Permission \`${permission}\`: roles ${rolesFor(permission).join(', ')}.` } : {}),
      ...(auth === 'public' ? {} : { security: [{ bearer: [] }] }),
      ...schema,
      response: { ...errorResponses, ...schema.response },
    },
  };
}

/** A route of the Dify-compatible service API: app-key auth, and errors in Dify's `{code, message, status}`. */
export function serviceRoute<S extends { response?: object }>(summary: string, schema: S) {
  return {
    config: { auth: 'app-key' as const, errorFormat: 'dify' as const },
    schema: {
      tags: ['service api (Dify-compatible)'],
      summary,
      security: [{ bearer: [] }],
      ...schema,
      response: { 400: difyError, 401: difyError, 404: difyError, ...schema.response },
    },
  };
}

/** A route of the OpenAI-compatible endpoint: app-key auth, and errors in OpenAI's `{error: {...}}`. */
export function openAiRoute<S extends { response?: object }>(summary: string, schema: S) {
  return {
    config: { auth: 'app-key' as const, errorFormat: 'openai' as const },
    schema: {
      tags: ['OpenAI-compatible'],
      summary,
      security: [{ bearer: [] }],
      ...schema,
      response: { 400: openAiErrorBody, 401: openAiErrorBody, 404: openAiErrorBody, ...schema.response },
    },
  };
}

/** A route of an app's MCP server: public (the link is the secret), errors as JSON-RPC error objects. */
export function mcpRoute<S extends { response?: object }>(summary: string, schema: S) {
  const refusals = { 400: jsonRpcError, 404: jsonRpcError, 405: jsonRpcError, 429: jsonRpcError };
  const options = route('public', 'app MCP servers', summary, { ...schema, response: { ...refusals, ...schema.response } });
  return { ...options, config: { ...options.config, errorFormat: 'jsonrpc' as const } };
}
