import type { FastifyReply } from 'fastify';
import { success } from '../../pkg/response/response.js';
import type { providerParams, toolParams } from '../schema/builtin-tool-schema.js';
import type { BuiltinToolService } from '../service/builtin-tool-service.js';
import type { Validated } from './request-types.js';

export class BuiltinToolHandler {
  constructor(private readonly tools: BuiltinToolService) {}

  list = async () => success(this.tools.providers());

  categories = async () => success(this.tools.categories());

  tool = async (req: Validated<{ params: typeof toolParams }>) => success(this.tools.tool(req.params.provider, req.params.tool));

  icon = async (req: Validated<{ params: typeof providerParams }>, reply: FastifyReply) =>
    reply
      .header('content-type', 'image/svg+xml')
      .header('cache-control', 'public, max-age=86400')
      .send(this.tools.icon(req.params.provider));
}
