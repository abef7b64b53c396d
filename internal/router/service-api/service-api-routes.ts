import type { ServiceApiHandler } from '../../handler/service-api/service-api-handler.js';
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
} from '../../schema/service-api-schema.js';
import { z } from 'zod';
import type { HttpServer } from '../../server/http.js';
import { serviceRoute } from '../route-options.js';

/** Dify's service API for chat apps (`/v1/...`, authorised by an app key): Dify's routes, shapes and errors. */
export function registerServiceApiRoutes(server: HttpServer, h: { serviceApi: ServiceApiHandler }): void {
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
}
