import type { AgentStep } from '../../core/agent/agent-types.js';
import { LlmError, type TokenUsage } from '../../core/llm/llm-types.js';
import type { usageReport, UsageReport } from '../../core/llm/usage.js';
import { ChatEventName, INTERRUPTED_ERROR, MessageStatus } from '../../entity/conversation-entity.js';
import { ERROR_CODES, type ChatEvent, type EventIds, type RetrieverResource } from './chat-types.js';
import { SERVER_SHUTDOWN } from './running-answers.js';

/** What an answer gathers while it streams, read when it ends. */
export interface AnswerProgress {
  answer: string;
  firstTokenAt: number;
  /** As the upstream reported it (summed over an agent's model calls); undefined when it did not. */
  usage: TokenUsage | undefined;
  status: MessageStatus;
  failure: LlmError | undefined;
  steps: Map<string, AgentStep>;
}

/** How an answer whose relay threw ends: interrupted by a shutdown, stopped by its user, or failed upstream. */
export function failureOf(err: unknown, signal: AbortSignal): Pick<AnswerProgress, 'status' | 'failure'> {
  if (signal.reason === SERVER_SHUTDOWN) return { status: MessageStatus.Interrupted, failure: new LlmError('aborted', INTERRUPTED_ERROR) };
  const failure = err instanceof LlmError ? err : new LlmError('connection', `the model call failed: ${String(err)}`);
  return { status: failure.kind === 'aborted' ? MessageStatus.Stop : MessageStatus.Error, failure };
}

/** The stream's terminal event: `error` for a failed or interrupted answer, `message_end` otherwise (a stop included). */
export function closingEvent(
  ids: EventIds,
  messageId: string,
  progress: AnswerProgress,
  usage: ReturnType<typeof usageReport>,
  resources: RetrieverResource[],
): ChatEvent {
  const { status, failure } = progress;
  if (status === MessageStatus.Error || status === MessageStatus.Interrupted) {
    const mapped =
      status === MessageStatus.Interrupted
        ? { status: 503, code: 'server_shutting_down' }
        : (ERROR_CODES[failure!.kind] ?? { status: 500, code: 'provider_error' });
    return { event: ChatEventName.Error, ...ids, status: mapped.status, code: mapped.code, message: failure!.message };
  }
  return {
    event: ChatEventName.MessageEnd,
    id: messageId,
    ...ids,
    metadata: { usage: withoutInternals(usage), retriever_resources: resources, status },
  };
}

export function withoutInternals(usage: ReturnType<typeof usageReport>): UsageReport {
  const { totalPriceNumber: _omit, ...report } = usage;
  return report;
}
