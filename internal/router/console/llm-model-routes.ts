import type { LlmModelHandler } from '../../handler/console/llm-model-handler.js';
import {
  credentialBody,
  credentialResponse,
  modelParams,
  modelResponse,
  providerListResponse,
  providerParams,
} from '../../schema/llm-model-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

export function registerLlmModelRoutes(server: HttpServer, h: { llmModel: LlmModelHandler }): void {
  const tag = 'models';
  server.get(
    '/llm-models',
    route(Permission.ModelsRead, tag, 'Providers and their models, with credential status', { response: { 200: providerListResponse } }),
    h.llmModel.listProviders,
  );
  server.get(
    '/llm-models/:provider/:model',
    route(Permission.ModelsRead, tag, 'One model: features, limits, parameter template, price', {
      params: modelParams,
      response: { 200: modelResponse },
    }),
    h.llmModel.getModel,
  );
  server.post(
    '/llm-models/:provider/credentials',
    route(Permission.ProvidersManage, tag, 'Save (and by default test) provider credentials', {
      params: providerParams,
      body: credentialBody,
      response: { 200: credentialResponse },
    }),
    h.llmModel.saveCredentials,
  );
}
