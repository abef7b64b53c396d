import type { FastifyReply } from 'fastify';
import { success, successMessage } from '../../../pkg/response/response.js';
import { currentWorkspaceId } from '../../middleware/auth.js';
import type { credentialsBody, providerParams, toolParams } from '../../schema/builtin-tool-schema.js';
import type { BuiltinToolService } from '../../service/tools/builtin-tool-service.js';
import type { Validated } from '../request-types.js';

export class BuiltinToolHandler {
  constructor(private readonly tools: BuiltinToolService) {}

  list = async (req: Validated<object>) => success(await this.tools.providers(currentWorkspaceId(req)));

  credentials = async (req: Validated<{ params: typeof providerParams }>) =>
    success(await this.tools.credentials.status(currentWorkspaceId(req), req.params.provider));

  saveCredentials = async (req: Validated<{ params: typeof providerParams; body: typeof credentialsBody }>) =>
    success(await this.tools.credentials.save(currentWorkspaceId(req), req.params.provider, req.body.credentials), 'credentials saved');

  deleteCredentials = async (req: Validated<{ params: typeof providerParams }>) => {
    await this.tools.credentials.delete(currentWorkspaceId(req), req.params.provider);
    return successMessage('credentials removed');
  };

  categories = async () => success(this.tools.categories());

  tool = async (req: Validated<{ params: typeof toolParams }>) => success(this.tools.tool(req.params.provider, req.params.tool));

  icon = async (req: Validated<{ params: typeof providerParams }>, reply: FastifyReply) =>
    reply
      .header('content-type', 'image/svg+xml')
      .header('cache-control', 'public, max-age=86400')
      .send(this.tools.icon(req.params.provider));
}
