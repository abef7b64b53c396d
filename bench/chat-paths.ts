import { FAKE_API_KEY } from '../test/fixtures/fake-openai-server.js';
import type { HttpClient } from '../test/helpers/http-client.js';
import type { ServerProcess } from '../test/helpers/server-process.js';
import { timedStream, type Send } from './chat-drive.js';
import type { UpstreamProcess } from './upstream-process.js';

export const PATH_NAMES = ['v1', 'openai', 'webapp', 'debug'] as const;
export type PathName = (typeof PATH_NAMES)[number];
export type ChatPath = Send;

const difyContent = (piece: string) => piece.includes('"event":"message"');
const difyEnd = (text: string) => text.includes('"event":"message_end"');
// The first OpenAI chunk may carry an empty content with the role; the first token is a non-empty one.
const openAiContent = (piece: string) => /"content":"[^"]/.test(piece);
const openAiEnd = (text: string) => text.includes('data: [DONE]');

/**
 * The ways a chat reaches the model, each a function sending one streaming request: straight to the
 * upstream, and through the platform's service API, OpenAI endpoint, web app and debug chat. Sets up
 * what they need: a published app with a key and a web-app link, and one app per debug client
 * (a debug conversation is per author and app). Every service-API message starts a conversation;
 * web-app visitors and debug authors continue theirs, so their remembered turns are read each time.
 */
export async function chatPaths(options: {
  client: HttpClient;
  token: string;
  server: ServerProcess;
  upstream: UpstreamProcess;
  debugApps: number;
  proxyUrl: string;
}): Promise<Record<PathName | 'direct' | 'proxy', Send>> {
  const { client, token, server, upstream } = options;
  const modelConfig = { provider: 'openai_compatible', model: 'fake-chat', parameters: { max_tokens: 512 } };
  const app = (await client.post('/apps', { token, body: { name: 'Bench published' } })).body.data;
  await client.post(`/apps/${app.id}/draft-app-config`, { token, body: { model_config: modelConfig, dialog_round: 3 } });
  await client.post(`/apps/${app.id}/publish`, { token });
  const key = (await client.post(`/apps/${app.id}/api-keys`, { token, body: {} })).body.data.key as string;
  const webToken = (await client.get(`/apps/${app.id}`, { token })).body.data.web_app_token as string;
  const debugApps: string[] = [];
  for (let i = 0; i < options.debugApps; i++) {
    const created = (await client.post('/apps', { token, body: { name: `Bench debug ${i}` } })).body.data;
    await client.post(`/apps/${created.id}/draft-app-config`, { token, body: { model_config: modelConfig, dialog_round: 3 } });
    debugApps.push(created.id);
  }
  const visitors = new Map<number, string>();
  const visitorCookie = async (worker: number) => {
    if (!visitors.has(worker)) {
      // Any visitor route hands out the signed visitor cookie (the app's own page does not).
      const res = await fetch(`${server.baseUrl}/web-apps/${webToken}/conversations`);
      await res.arrayBuffer();
      visitors.set(worker, (res.headers.get('set-cookie') ?? '').split(';')[0]!);
    }
    return visitors.get(worker)!;
  };
  // A visitor continues their conversation, as people do in a web app: one title to make, then its remembered turns are read.
  const visitorConversations = new Map<number, string>();
  const rememberConversation = (worker: number) => (piece: string) => {
    const id = /"conversation_id":"([^"]+)"/.exec(piece)?.[1];
    if (id && !visitorConversations.has(worker)) visitorConversations.set(worker, id);
  };
  const question = (i: number, directives: string) => `${directives} bench question ${i}`;

  const straight =
    (baseUrl: string): Send =>
    (_w, i, d) =>
      timedStream(
        `${baseUrl}/chat/completions`,
        { authorization: `Bearer ${FAKE_API_KEY}` },
        {
          model: 'fake-chat',
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: 'user', content: question(i, d) }],
        },
        openAiContent,
        openAiEnd,
      );
  return {
    direct: straight(upstream.baseUrl),
    proxy: straight(options.proxyUrl),
    v1: (w, i, d) =>
      timedStream(
        `${server.baseUrl}/v1/chat-messages`,
        { authorization: `Bearer ${key}` },
        { query: question(i, d), user: `user-${w}`, response_mode: 'streaming', inputs: {}, auto_generate_name: false },
        difyContent,
        difyEnd,
      ),
    openai: (w, i, d) =>
      timedStream(
        `${server.baseUrl}/v1/chat/completions`,
        { authorization: `Bearer ${key}` },
        { model: 'fake-chat', stream: true, user: `user-${w}`, messages: [{ role: 'user', content: question(i, d) }] },
        openAiContent,
        openAiEnd,
      ),
    webapp: async (w, i, d) =>
      timedStream(
        `${server.baseUrl}/web-apps/${webToken}/chat`,
        { cookie: await visitorCookie(w) },
        { query: question(i, d), inputs: {}, conversation_id: visitorConversations.get(w) },
        difyContent,
        difyEnd,
        rememberConversation(w),
      ),
    debug: (w, i, d) =>
      timedStream(
        `${server.baseUrl}/apps/${debugApps[w]}/conversations`,
        { authorization: `Bearer ${token}` },
        { query: question(i, d) },
        difyContent,
        difyEnd,
      ),
  };
}
