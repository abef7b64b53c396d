import type { AnalyticsHandler } from '../handler/analytics-handler.js';
import type { ApiKeyHandler } from '../handler/api-key-handler.js';
import { analysisParams, analysisResponse, logsQuery, logsResponse } from '../schema/analytics-schema.js';
import type { OpenAiHandler } from '../handler/openai-handler.js';
import type { ServiceApiHandler } from '../handler/service-api-handler.js';
import { chatCompletionBody, chatCompletionResponse, modelsResponse } from '../schema/openai-schema.js';
import { apiKeyListResponse, apiKeyParams, apiKeyResponse, createApiKeyBody, updateApiKeyBody } from '../schema/api-key-schema.js';
import { appIdParams } from '../schema/app-schema.js';
import { messageEnvelope } from '../schema/common-schema.js';
import {
  chatMessageBody,
  chatResponse,
  conversationIdParams,
  conversationResponse,
  conversationsQuery,
  conversationsResponse,
  feedbackBody,
  infoResponse,
  messageIdParams,
  messagesQuery,
  messagesResponse,
  fileUploadResponse,
  metaResponse,
  parametersResponse,
  renameBody,
  resultResponse,
  suggestedResponse,
  taskStopParams,
  userBody,
  userQuery,
} from '../schema/service-api-schema.js';
import { z } from 'zod';
import type { HttpServer } from '../server/http.js';
import { Permission } from '../service/permissions.js';
import { openAiRoute, route, serviceRoute } from './route-options.js';

export function registerServiceApiRoutes(
  server: HttpServer,
  h: { apiKey: ApiKeyHandler; serviceApi: ServiceApiHandler; openAi: OpenAiHandler; analytics: AnalyticsHandler },
): void {
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

  server.get(
    '/analysis/:app_id',
    route(Permission.AppsLogs, 'analytics', 'The last 7 days against the 7 before, with a trend per day', {
      params: analysisParams,
      response: { 200: analysisResponse },
    }),
    h.analytics.analysis,
  );
  server.get(
    '/apps/:app_id/logs',
    route(Permission.AppsLogs, 'analytics', 'Conversations from every source, filtered by date and source', {
      params: analysisParams,
      querystring: logsQuery,
      response: { 200: logsResponse },
    }),
    h.analytics.logs,
  );

  const s = h.serviceApi;
  server.post(
    '/v1/chat-messages',
    serviceRoute('Send a chat message (blocking JSON or streaming SSE)', { body: chatMessageBody, response: { 200: chatResponse } }),
    s.chatMessages,
  );
  server.post(
    '/v1/chat-messages/:task_id/stop',
    serviceRoute('Stop a streaming answer', { params: taskStopParams, body: userBody, response: { 200: resultResponse } }),
    s.stop,
  );
  server.get(
    '/v1/messages',
    serviceRoute('Messages of a conversation', { querystring: messagesQuery, response: { 200: messagesResponse } }),
    s.messages,
  );
  server.post(
    '/v1/messages/:message_id/feedbacks',
    serviceRoute('Like or dislike an answer', { params: messageIdParams, body: feedbackBody, response: { 200: resultResponse } }),
    s.feedback,
  );
  server.get(
    '/v1/messages/:message_id/suggested',
    serviceRoute('Suggested next questions', { params: messageIdParams, querystring: userQuery, response: { 200: suggestedResponse } }),
    s.suggested,
  );
  server.get(
    '/v1/conversations',
    serviceRoute("The user's conversations", { querystring: conversationsQuery, response: { 200: conversationsResponse } }),
    s.conversations,
  );
  server.delete(
    '/v1/conversations/:conversation_id',
    serviceRoute('Delete a conversation', {
      params: conversationIdParams,
      body: userBody,
      response: { 204: z.null().describe('No Content') },
    }),
    s.deleteConversation,
  );
  server.post(
    '/v1/conversations/:conversation_id/name',
    serviceRoute('Rename a conversation, or name it from its first exchange', {
      params: conversationIdParams,
      body: renameBody,
      response: { 200: conversationResponse },
    }),
    s.renameConversation,
  );
  server.get('/v1/parameters', serviceRoute('App parameters', { response: { 200: parametersResponse } }), s.parameters);
  server.get('/v1/info', serviceRoute('App name and description', { response: { 200: infoResponse } }), s.info);
  server.get('/v1/meta', serviceRoute('Tool icons', { response: { 200: metaResponse } }), s.meta);
  server.post(
    '/v1/files/upload',
    serviceRoute('Upload a file (multipart: file, user)', { consumes: ['multipart/form-data'], response: { 201: fileUploadResponse } }),
    s.uploadFile,
  );

  server.post(
    '/v1/chat/completions',
    openAiRoute("Chat completion in OpenAI's format (the request's messages are the conversation)", {
      body: chatCompletionBody,
      response: { 200: chatCompletionResponse },
    }),
    h.openAi.chatCompletions,
  );
  server.get(
    '/v1/models',
    openAiRoute('The app, as the one model this key can use', { response: { 200: modelsResponse } }),
    h.openAi.models,
  );
}
