import { success, successMessage } from '../../../pkg/response/response.js';
import { currentActor, currentWorkspaceId } from '../../middleware/auth.js';
import { mcpServerView, type mcpServerBody, type mcpServerParams } from '../../schema/mcp-server-schema.js';
import type { McpServerService } from '../../service/tools/mcp-server-service.js';
import type { Validated } from '../request-types.js';

export class McpServerHandler {
  constructor(private readonly servers: McpServerService) {}

  private view(server: Awaited<ReturnType<McpServerService['get']>>) {
    return mcpServerView(server, this.servers.maskedHeaders(server));
  }

  create = async (req: Validated<{ body: typeof mcpServerBody }>) =>
    success(this.view(await this.servers.create(currentActor(req), req.body)), 'MCP server added');

  list = async (req: Validated<object>) => success((await this.servers.list(currentWorkspaceId(req))).map((s) => this.view(s)));

  get = async (req: Validated<{ params: typeof mcpServerParams }>) =>
    success(this.view(await this.servers.get(currentWorkspaceId(req), req.params.id)));

  update = async (req: Validated<{ params: typeof mcpServerParams; body: typeof mcpServerBody }>) =>
    success(this.view(await this.servers.update(currentWorkspaceId(req), req.params.id, req.body)), 'MCP server saved');

  refresh = async (req: Validated<{ params: typeof mcpServerParams }>) =>
    success(this.view(await this.servers.refresh(currentWorkspaceId(req), req.params.id)), 'tools listed again');

  delete = async (req: Validated<{ params: typeof mcpServerParams }>) => {
    await this.servers.delete(currentWorkspaceId(req), req.params.id);
    return successMessage('MCP server deleted');
  };
}
