import type { ApiToolHandler } from '../../handler/console/api-tool-handler.js';
import {
  apiToolBody,
  apiToolListResponse,
  apiToolParams,
  apiToolProviderResponse,
  apiToolResponse,
  createdResponse,
  importUrlBody,
  importUrlResponse,
  providerIdParams,
  validateSchemaBody,
  validateSchemaResponse,
} from '../../schema/api-tool-schema.js';
import { messageEnvelope, pageQuery } from '../../schema/common-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

/** Custom API tools: OpenAPI documents whose operations agents call. */
export function registerApiToolRoutes(server: HttpServer, h: { apiTool: ApiToolHandler }): void {
  const tag = 'tools';
  const build = Permission.AppsBuild;
  server.post(
    '/api-tools/validate-openapi-schema',
    route(build, tag, 'Check an OpenAPI document (JSON or YAML; 3.0, 3.1, Swagger 2.0) and list the tools it gives', {
      body: validateSchemaBody,
      response: { 200: validateSchemaResponse },
    }),
    h.apiTool.validate,
  );
  server.post(
    '/api-tools/import-openapi-url',
    route(build, tag, 'Read an OpenAPI document from a URL (through the SSRF guard), check it, and give its text and tools', {
      body: importUrlBody,
      response: { 200: importUrlResponse },
    }),
    h.apiTool.importUrl,
  );
  server.post(
    '/api-tools',
    route(build, tag, 'Add an API tool provider from an OpenAPI document', { body: apiToolBody, response: { 200: createdResponse } }),
    h.apiTool.create,
  );
  server.get(
    '/api-tools',
    route(build, tag, "The workspace's API tool providers, newest first", {
      querystring: pageQuery,
      response: { 200: apiToolListResponse },
    }),
    h.apiTool.list,
  );
  server.get(
    '/api-tools/:provider_id',
    route(build, tag, 'One API tool provider, with its document and tools (header values masked)', {
      params: providerIdParams,
      response: { 200: apiToolProviderResponse },
    }),
    h.apiTool.get,
  );
  server.post(
    '/api-tools/:provider_id',
    route(build, tag, 'Replace an API tool provider (a header sent back masked keeps its value)', {
      params: providerIdParams,
      body: apiToolBody,
      response: { 200: messageEnvelope },
    }),
    h.apiTool.update,
  );
  server.post(
    '/api-tools/:provider_id/delete',
    route(build, tag, 'Delete an API tool provider', { params: providerIdParams, response: { 200: messageEnvelope } }),
    h.apiTool.delete,
  );
  server.get(
    '/api-tools/:provider_id/tools/:tool_name',
    route(build, tag, 'One tool of an API tool provider', { params: apiToolParams, response: { 200: apiToolResponse } }),
    h.apiTool.tool,
  );
}
