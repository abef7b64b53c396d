import { expect } from 'vitest';
import { FAKE_API_KEY, type FakeOpenAiServer } from '../fixtures/fake-openai-server.js';
import type { HttpClient } from './http-client.js';
import { postStream } from './sse-client.js';

export interface ChatModelOptions {
  contextWindow?: number;
  maxOutput?: number;
  features?: Array<'tool_call' | 'vision' | 'stream'>;
}

/** Points an account's openai_compatible provider at the fake upstream, with these models (`{ model, ... }` each). */
export async function connectFakeUpstream(client: HttpClient, token: string, upstream: FakeOpenAiServer, models: object[]) {
  const res = await client.post('/llm-models/openai_compatible/credentials', {
    token,
    body: { api_key: FAKE_API_KEY, base_url: upstream.baseUrl, models, validate: false },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** Points an account's openai_compatible provider at the fake upstream with one model, fake-chat. */
export async function connectFakeModel(client: HttpClient, token: string, upstream: FakeOpenAiServer, options: ChatModelOptions = {}) {
  await connectFakeUpstream(client, token, upstream, [
    {
      model: 'fake-chat',
      context_window: options.contextWindow ?? 8192,
      max_output: options.maxOutput ?? 1024,
      ...(options.features ? { features: options.features } : {}),
    },
  ]);
}

/** A new app whose draft talks to the fake model, with extra draft settings applied. */
export async function createChatApp(client: HttpClient, token: string, draft: Record<string, unknown> = {}): Promise<string> {
  const app = await client.post('/apps', { token, body: { name: 'Chat app' } });
  const appId = app.body.data.id as string;
  const res = await client.post(`/apps/${appId}/draft-app-config`, {
    token,
    body: { model_config: { provider: 'openai_compatible', model: 'fake-chat', parameters: { max_tokens: 256 } }, ...draft },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return appId;
}

/** One debug message, read to the end. */
export async function debugChat(client: HttpClient, token: string, appId: string, query: string) {
  const stream = await postStream(`${client.baseUrl}/apps/${appId}/conversations`, token, { query });
  expect(stream.status).toBe(200);
  return stream.all();
}
