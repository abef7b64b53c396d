import type { OpenAiHandler } from '../../handler/service-api/openai-handler.js';
import { chatCompletionBody, chatCompletionResponse, modelsResponse } from '../../schema/openai-schema.js';
import type { HttpServer } from '../../server/http.js';
import { openAiRoute } from '../route-options.js';

/** The OpenAI-compatible endpoint: an app key makes the app one model. */
export function registerOpenAiRoutes(server: HttpServer, h: { openAi: OpenAiHandler }): void {
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
