import { success } from '../../../pkg/response/response.js';
import { currentWorkspaceId } from '../../middleware/auth.js';
import type { appIdParams } from '../../schema/app-schema.js';
import { appMcpView, type appMcpSwitchBody } from '../../schema/app-mcp-schema.js';
import type { AppService } from '../../service/apps/app-service.js';
import type { AppMcpService } from '../../service/apps/app-mcp-service.js';
import type { Validated } from '../request-types.js';

/** The console's switch for offering a published app as an MCP server, and its link. */
export class AppMcpHandler {
  constructor(
    private readonly mcp: AppMcpService,
    private readonly apps: AppService,
  ) {}

  get = async (req: Validated<{ params: typeof appIdParams }>) =>
    success(appMcpView(await this.apps.get(currentWorkspaceId(req), req.params.app_id)));

  setEnabled = async (req: Validated<{ params: typeof appIdParams; body: typeof appMcpSwitchBody }>) => {
    const app = await this.mcp.setEnabled(currentWorkspaceId(req), req.params.app_id, req.body.enabled);
    return success(appMcpView(app), req.body.enabled ? 'MCP server on' : 'MCP server off');
  };

  regenerateToken = async (req: Validated<{ params: typeof appIdParams }>) =>
    success(appMcpView(await this.mcp.regenerateToken(currentWorkspaceId(req), req.params.app_id)), 'MCP link replaced');
}
