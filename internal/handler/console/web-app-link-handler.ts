import { success } from '../../../pkg/response/response.js';
import { currentWorkspaceId } from '../../middleware/auth.js';
import type { appIdParams } from '../../schema/app-schema.js';
import type { WebAppService } from '../../service/apps/web-app-service.js';
import type { Validated } from '../request-types.js';

/** The console's side of the web app: replacing its public link. */
export class WebAppLinkHandler {
  constructor(private readonly webApps: WebAppService) {}

  regenerateToken = async (req: Validated<{ params: typeof appIdParams }>) =>
    success({ web_app_token: await this.webApps.regenerateToken(currentWorkspaceId(req), req.params.app_id) }, 'web app link replaced');
}
