import type { BuiltinToolHandler } from '../../handler/console/builtin-tool-handler.js';
import { messageEnvelope } from '../../schema/common-schema.js';
import {
  builtinToolListResponse,
  credentialsBody,
  credentialsResponse,
  builtinToolResponse,
  providerParams,
  toolCategoriesResponse,
  toolParams,
} from '../../schema/builtin-tool-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

export function registerBuiltinToolRoutes(server: HttpServer, h: { builtinTool: BuiltinToolHandler }): void {
  const tag = 'tools';
  server.get(
    '/builtin-tools',
    route(Permission.AppsBuild, tag, 'Built-in tool providers and their tools', { response: { 200: builtinToolListResponse } }),
    h.builtinTool.list,
  );
  server.get(
    '/builtin-tools/categories',
    route(Permission.AppsBuild, tag, 'Categories of the built-in tools', { response: { 200: toolCategoriesResponse } }),
    h.builtinTool.categories,
  );
  // Public like any static asset: <img> tags send no bearer token, and the catalog is the same for everyone.
  server.get(
    '/builtin-tools/:provider/icon',
    route('public', tag, "A provider's icon (SVG)", { params: providerParams, response: {} }),
    h.builtinTool.icon,
  );
  server.get(
    '/builtin-tools/:provider/credentials',
    route(Permission.AppsBuild, tag, "The workspace's credentials for a provider that takes them, secrets masked", {
      params: providerParams,
      response: { 200: credentialsResponse },
    }),
    h.builtinTool.credentials,
  );
  server.post(
    '/builtin-tools/:provider/credentials',
    route(Permission.AppsBuild, tag, 'Save the credentials (encrypted at rest)', {
      params: providerParams,
      body: credentialsBody,
      response: { 200: credentialsResponse },
    }),
    h.builtinTool.saveCredentials,
  );
  server.post(
    '/builtin-tools/:provider/credentials/delete',
    route(Permission.AppsBuild, tag, 'Remove the saved credentials', { params: providerParams, response: { 200: messageEnvelope } }),
    h.builtinTool.deleteCredentials,
  );
  server.get(
    '/builtin-tools/:provider/tools/:tool',
    route(Permission.AppsBuild, tag, 'One built-in tool: its inputs (the model fills) and params (the app fixes)', {
      params: toolParams,
      response: { 200: builtinToolResponse },
    }),
    h.builtinTool.tool,
  );
}
