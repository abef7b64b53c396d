import type { FastifyRequest } from 'fastify';
import { success } from '../../../pkg/response/response.js';
import { currentWorkspaceId } from '../../middleware/auth.js';
import {
  credentialView,
  modelView,
  providerView,
  type credentialBody,
  type modelParams,
  type providerParams,
} from '../../schema/llm-model-schema.js';
import type { LlmModelService } from '../../service/models/llm-model-service.js';
import type { Validated } from '../request-types.js';

export class LlmModelHandler {
  constructor(private readonly llmModelService: LlmModelService) {}

  listProviders = async (req: FastifyRequest) =>
    success((await this.llmModelService.listProviders(currentWorkspaceId(req))).map(providerView));

  getModel = async (req: Validated<{ params: typeof modelParams }>) =>
    success(modelView(await this.llmModelService.getModel(currentWorkspaceId(req), req.params.provider, req.params.model)));

  saveCredentials = async (req: Validated<{ params: typeof providerParams; body: typeof credentialBody }>) =>
    success(
      credentialView(await this.llmModelService.saveCredentials(currentWorkspaceId(req), req.params.provider, req.body)),
      'credentials saved',
    );
}
