import { success, successMessage } from '../../../pkg/response/response.js';
import { currentWorkspaceId } from '../../middleware/auth.js';
import { apiKeyView, type apiKeyParams, type createApiKeyBody, type updateApiKeyBody } from '../../schema/api-key-schema.js';
import type { appIdParams } from '../../schema/app-schema.js';
import type { ApiKeyService } from '../../service/apps/api-key-service.js';
import type { Validated } from '../request-types.js';

/** The author's keys for an app's service API. */
export class ApiKeyHandler {
  constructor(private readonly apiKeys: ApiKeyService) {}

  create = async (req: Validated<{ params: typeof appIdParams; body: typeof createApiKeyBody }>) => {
    const { key, secret } = await this.apiKeys.create(currentWorkspaceId(req), req.params.app_id, req.body.remark);
    return success(apiKeyView(key, secret), 'api key created; it is shown this once');
  };

  list = async (req: Validated<{ params: typeof appIdParams }>) =>
    success((await this.apiKeys.list(currentWorkspaceId(req), req.params.app_id)).map((k) => apiKeyView(k)));

  update = async (req: Validated<{ params: typeof apiKeyParams; body: typeof updateApiKeyBody }>) =>
    success(
      apiKeyView(await this.apiKeys.update(currentWorkspaceId(req), req.params.app_id, req.params.key_id, req.body)),
      'api key updated',
    );

  delete = async (req: Validated<{ params: typeof apiKeyParams }>) => {
    await this.apiKeys.delete(currentWorkspaceId(req), req.params.app_id, req.params.key_id);
    return successMessage('api key deleted');
  };
}
