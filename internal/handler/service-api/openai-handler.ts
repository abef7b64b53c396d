import type { FastifyReply } from 'fastify';
import type { DialogTurn } from '../../core/memory/prompt-builder.js';
import { DifyApiError } from '../../exception/app-error.js';
import { currentAppKey } from '../../middleware/app-key-auth.js';
import {
  messageImages,
  messageText,
  openAiError,
  type ImageUrl,
  type chatCompletionBody,
  type ChatCompletionBody,
} from '../../schema/openai-schema.js';
import type { ChatService } from '../../service/chat/chat-service.js';
import type { ChatEvent, StatelessChatInput } from '../../service/chat/chat-types.js';
import type { Validated } from '../request-types.js';
import { disconnectSignal, streamEvents } from '../sse-response.js';

/** OpenAI's chat completions API in front of an app: its published prompt, model and knowledge answer. */
export class OpenAiHandler {
  constructor(
    private readonly chat: ChatService,
    private readonly ssePingIntervalMs: number,
  ) {}

  chatCompletions = async (req: Validated<{ body: typeof chatCompletionBody }>, reply: FastifyReply) => {
    const { app } = currentAppKey(req);
    const body = req.body;
    const model = body.model || app.name;
    const input = { ...conversationOf(body.messages), user: body.user ?? '', inputs: body.inputs };
    if (!body.stream) {
      const run = await this.chat.statelessChat(app, input);
      return completion(run.events, model);
    }
    const run = await this.chat.statelessChat(app, input, disconnectSignal(reply));
    await streamEvents(req, reply, chunks(run.events, model, body.stream_options?.include_usage ?? false), this.ssePingIntervalMs, {
      pingStyle: 'comment',
      errorEvent: (message) => ({ error: openAiError({ status: 500, message }) }),
      done: '[DONE]',
    });
  };

  models = async (req: Validated<object>) => {
    const { app } = currentAppKey(req);
    return {
      object: 'list' as const,
      data: [{ id: app.name, object: 'model' as const, created: Math.floor(app.createdAt.getTime() / 1000), owned_by: 'llmops' }],
    };
  };
}

/** System messages join the app's prompt; user/assistant pairs become the earlier turns; the last user message is the query. */
function conversationOf(messages: ChatCompletionBody['messages']): Omit<StatelessChatInput, 'user' | 'inputs'> {
  const system: string[] = [];
  const history: DialogTurn[] = [];
  let pendingUser: string[] = [];
  let images: ImageUrl[] = [];
  for (const message of messages) {
    const text = messageText(message.content);
    if (message.role === 'system' || message.role === 'developer') system.push(text);
    else if (message.role === 'user') {
      pendingUser.push(text);
      images.push(...messageImages(message.content));
    } else if (message.role === 'assistant' && pendingUser.length > 0) {
      // Earlier turns keep their text only; the images of the question being asked go to the model.
      history.push({ query: pendingUser.join('\n'), answer: text });
      pendingUser = [];
      images = [];
    }
  }
  const last = messages.at(-1)!;
  if (last.role !== 'user' || pendingUser.length === 0) {
    throw new DifyApiError(400, 'invalid_request_error', 'the last message must be a user message');
  }
  return { history, query: pendingUser.join('\n'), system: system.filter(Boolean).join('\n\n'), images };
}

async function completion(events: AsyncIterable<ChatEvent>, model: string) {
  let content = '';
  for await (const event of events) {
    // Agent steps stay inside: an OpenAI client reads the answer.
    if (event.event === 'agent_thought') continue;
    if (event.event === 'message' || event.event === 'agent_message') content += event.answer;
    else if (event.event === 'error') throw new DifyApiError(event.status === 429 ? 429 : 502, event.code, event.message);
    else {
      const { prompt_tokens, completion_tokens, total_tokens } = event.metadata.usage;
      return {
        id: `chatcmpl-${event.message_id}`,
        object: 'chat.completion' as const,
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [
          { index: 0, message: { role: 'assistant' as const, content }, finish_reason: event.metadata.status === 'stop' ? 'stop' : 'stop' },
        ],
        usage: { prompt_tokens, completion_tokens, total_tokens },
      };
    }
  }
  throw new DifyApiError(500, 'server_error', 'the answer ended without a result');
}

/** Our events as chat.completion.chunk objects: a role delta, content deltas, a finish, and usage when asked. */
async function* chunks(events: AsyncIterable<ChatEvent>, model: string, includeUsage: boolean): AsyncGenerator<object> {
  const created = Math.floor(Date.now() / 1000);
  let started = false;
  for await (const event of events) {
    if (event.event === 'agent_thought') continue;
    const base = { id: `chatcmpl-${event.message_id}`, object: 'chat.completion.chunk', created, model };
    if (event.event === 'message' || event.event === 'agent_message') {
      yield {
        ...base,
        choices: [
          { index: 0, delta: started ? { content: event.answer } : { role: 'assistant', content: event.answer }, finish_reason: null },
        ],
      };
      started = true;
    } else if (event.event === 'error') {
      yield { error: openAiError({ status: event.status, message: event.message, difyCode: event.code }) };
      return;
    } else {
      yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
      if (includeUsage) {
        const { prompt_tokens, completion_tokens, total_tokens } = event.metadata.usage;
        yield { ...base, choices: [], usage: { prompt_tokens, completion_tokens, total_tokens } };
      }
    }
  }
}
