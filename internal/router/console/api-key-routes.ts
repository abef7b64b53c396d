import type { ApiKeyHandler } from '../../handler/console/api-key-handler.js';
import { apiKeyListResponse, apiKeyParams, apiKeyResponse, createApiKeyBody, updateApiKeyBody } from '../../schema/api-key-schema.js';
import { appIdParams } from '../../schema/app-schema.js';
import { messageEnvelope } from '../../schema/common-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

/** An app's service API keys, made and revoked in the console. */
export function registerApiKeyRoutes(server: HttpServer, h: { apiKey: ApiKeyHandler }): void {
  const t = 'api keys';
  server.post(
    '/apps/:app_id/api-keys',
    route(Permission.AppsBuild, t, 'Create a service API key (the key is returned this once)', {
      params: appIdParams,
      body: createApiKeyBody,
      response: { 200: apiKeyResponse },
    }),
    h.apiKey.create,
  );
  server.get(
    '/apps/:app_id/api-keys',
    route(Permission.AppsBuild, t, 'The app keys, masked, with last use', { params: appIdParams, response: { 200: apiKeyListResponse } }),
    h.apiKey.list,
  );
  server.post(
    '/apps/:app_id/api-keys/:key_id',
    route(Permission.AppsBuild, t, 'Change remark or is_active (an inactive key is refused at once)', {
      params: apiKeyParams,
      body: updateApiKeyBody,
      response: { 200: apiKeyResponse },
    }),
    h.apiKey.update,
  );
  server.post(
    '/apps/:app_id/api-keys/:key_id/delete',
    route(Permission.AppsBuild, t, 'Delete a key', { params: apiKeyParams, response: { 200: messageEnvelope } }),
    h.apiKey.delete,
  );
}
