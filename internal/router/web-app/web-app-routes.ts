import type { WebAppHandler } from '../../handler/web-app/web-app-handler.js';
import { messageEnvelope } from '../../schema/common-schema.js';
import { eventStream } from '../../schema/conversation-schema.js';
import {
  webAppChatBody,
  webAppConversationsQuery,
  webAppConversationsResponse,
  webAppMessagesQuery,
  webAppMessagesResponse,
  webAppParams,
  webAppResponse,
  webAppRunBody,
  webAppTaskParams,
} from '../../schema/web-app-schema.js';
import { uploadFileResponse } from '../../schema/upload-file-schema.js';
import type { HttpServer } from '../../server/http.js';
import { route } from '../route-options.js';

export function registerWebAppRoutes(server: HttpServer, h: { webApp: WebAppHandler }): void {
  const t = 'web apps';
  const w = h.webApp;
  server.get(
    '/web-apps/:token',
    route('public', t, 'A published app by its public link', { params: webAppParams, response: { 200: webAppResponse } }),
    w.get,
  );
  server.post(
    '/web-apps/:token/chat',
    route('public', t, "Chat as this browser's visitor (signed cookie); Server-Sent Events", {
      params: webAppParams,
      body: webAppChatBody,
      response: { 200: eventStream },
    }),
    w.chatMessage,
  );
  server.post(
    '/web-apps/:token/chat/:task_id/stop',
    route('public', t, "Stop the visitor's running answer", { params: webAppTaskParams, response: { 200: messageEnvelope } }),
    w.stop,
  );
  server.post(
    '/web-apps/:token/workflows/run',
    route('public', t, "Run a workflow app as this browser's visitor; Dify's workflow events (SSE)", {
      params: webAppParams,
      body: webAppRunBody,
      response: { 200: eventStream },
    }),
    w.runWorkflow,
  );
  server.post(
    '/web-apps/:token/workflows/tasks/:task_id/stop',
    route('public', t, "Stop the visitor's running workflow", { params: webAppTaskParams, response: { 200: messageEnvelope } }),
    w.stopWorkflow,
  );
  server.get(
    '/web-apps/:token/conversations',
    route('public', t, "The visitor's conversations", {
      params: webAppParams,
      querystring: webAppConversationsQuery,
      response: { 200: webAppConversationsResponse },
    }),
    w.conversations,
  );
  server.get(
    '/web-apps/:token/messages',
    route('public', t, "A page of one of the visitor's conversations, oldest first; first_id pages back", {
      params: webAppParams,
      querystring: webAppMessagesQuery,
      response: { 200: webAppMessagesResponse },
    }),
    w.messages,
  );
  server.post(
    '/web-apps/:token/files/upload',
    route(
      'public',
      t,
      "Upload a file for the next message or run (multipart, part `file`): an image where a chat app takes them; images and documents where a workflow's start variables or file_upload take files",
      {
        params: webAppParams,
        consumes: ['multipart/form-data'],
        response: { 200: uploadFileResponse },
      },
    ),
    w.upload,
  );
}
