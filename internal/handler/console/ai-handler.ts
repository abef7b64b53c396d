import type { FastifyReply } from 'fastify';
import type { ChatStreamEvent } from '../../core/llm/llm-types.js';
import { LlmError } from '../../core/llm/llm-types.js';
import { success } from '../../../pkg/response/response.js';
import { currentWorkspaceId } from '../../middleware/auth.js';
import type { optimizePromptBody, suggestedQuestionsBody } from '../../schema/conversation-schema.js';
import type { AiHelperService } from '../../service/apps/ai-helper-service.js';
import type { Validated } from '../request-types.js';
import { disconnectSignal, streamEvents } from '../sse-response.js';

export class AiHandler {
  constructor(
    private readonly aiHelper: AiHelperService,
    private readonly ssePingIntervalMs: number,
  ) {}

  suggestedQuestions = async (req: Validated<{ body: typeof suggestedQuestionsBody }>) =>
    success(await this.aiHelper.suggestedQuestions(currentWorkspaceId(req), req.body.message_id));

  optimizePrompt = async (req: Validated<{ body: typeof optimizePromptBody }>, reply: FastifyReply) => {
    const upstream = await this.aiHelper.optimizePrompt(
      currentWorkspaceId(req),
      req.body.prompt,
      req.body.model_config,
      disconnectSignal(reply),
    );
    await streamEvents(req, reply, optimizeEvents(upstream), this.ssePingIntervalMs);
  };
}

/** The rewrite as `optimize_prompt` chunks, ending with `message_end` or `error`. */
async function* optimizeEvents(upstream: AsyncIterable<ChatStreamEvent>): AsyncGenerator<object> {
  try {
    for await (const event of upstream) if (event.type === 'text') yield { event: 'optimize_prompt', data: event.text };
    yield { event: 'message_end' };
  } catch (err) {
    const message = err instanceof LlmError ? err.message : 'the rewrite failed';
    yield { event: 'error', status: 502, code: 'provider_error', message };
  }
}
