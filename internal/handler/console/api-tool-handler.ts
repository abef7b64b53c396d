import { page, success, successMessage } from '../../../pkg/response/response.js';
import { paginatorOf } from '../../../pkg/paginator/paginator.js';
import { apiToolSchema, type ApiToolSpec } from '../../core/tools/openapi-tools.js';
import { NotFoundError } from '../../exception/app-error.js';
import { currentActor, currentWorkspaceId } from '../../middleware/auth.js';
import {
  providerView,
  toolView,
  type apiToolBody,
  type apiToolParams,
  type importUrlBody,
  type providerIdParams,
  type validateSchemaBody,
} from '../../schema/api-tool-schema.js';
import type { pageQuery } from '../../schema/common-schema.js';
import type { ApiToolService } from '../../service/tools/api-tool-service.js';
import type { Validated } from '../request-types.js';
import type { FastifyReply } from 'fastify';
import { disconnectSignal } from '../sse-response.js';

const view = (spec: ApiToolSpec) => toolView(spec, apiToolSchema(spec));

export class ApiToolHandler {
  constructor(private readonly apiTools: ApiToolService) {}

  private provider(p: Parameters<ApiToolService['maskedHeaders']>[0]) {
    return providerView(p, this.apiTools.maskedHeaders(p), p.tools.map(view));
  }

  validate = async (req: Validated<{ body: typeof validateSchemaBody }>) =>
    success({ tools: (await this.apiTools.validateSchema(req.body.openapi_schema)).map(view) });

  importUrl = async (req: Validated<{ body: typeof importUrlBody }>, reply: FastifyReply) => {
    const found = await this.apiTools.importFromUrl(req.body.url, disconnectSignal(reply));
    return success({ openapi_schema: found.text, tools: found.tools.map(view) });
  };

  create = async (req: Validated<{ body: typeof apiToolBody }>) =>
    success({ id: (await this.apiTools.create(currentActor(req), req.body)).id }, 'API tool created');

  list = async (req: Validated<{ query: typeof pageQuery }>) => {
    const pageRequest = { currentPage: req.query.current_page, pageSize: req.query.page_size };
    const { list, total } = await this.apiTools.list(currentWorkspaceId(req), {
      ...pageRequest,
      searchWord: req.query.search_word || undefined,
    });
    return page(
      list.map((p) => this.provider(p)),
      paginatorOf(pageRequest, total),
    );
  };

  get = async (req: Validated<{ params: typeof providerIdParams }>) => {
    const p = await this.apiTools.get(currentWorkspaceId(req), req.params.provider_id);
    return success({ ...this.provider(p), openapi_schema: p.openapiSchema });
  };

  update = async (req: Validated<{ params: typeof providerIdParams; body: typeof apiToolBody }>) => {
    await this.apiTools.update(currentWorkspaceId(req), req.params.provider_id, req.body);
    return successMessage('API tool saved');
  };

  delete = async (req: Validated<{ params: typeof providerIdParams }>) => {
    await this.apiTools.delete(currentWorkspaceId(req), req.params.provider_id);
    return successMessage('API tool deleted');
  };

  tool = async (req: Validated<{ params: typeof apiToolParams }>) => {
    const p = await this.apiTools.get(currentWorkspaceId(req), req.params.provider_id);
    const spec = p.tools.find((t) => t.name === req.params.tool_name);
    if (!spec) throw new NotFoundError(`tool ${req.params.tool_name} not found`);
    return success({ ...view(spec), provider: { id: p.id, name: p.name, icon: p.icon } });
  };
}
