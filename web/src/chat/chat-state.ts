import type { StreamEvent } from '../api/stream';

export interface Citation {
  position: number;
  dataset_name: string;
  document_name: string;
  segment_id: string;
  score: number;
  content: string;
}

export interface AgentStep {
  id: string;
  thought: string;
  tool: string;
  tool_input: string;
  observation: string;
}

export interface Usage {
  total_tokens: number;
  prompt_tokens: number;
  completion_tokens: number;
  latency: number;
  time_to_first_token?: number;
  total_price: string;
  currency: string;
}

export interface ChatTurn {
  key: string;
  query: string;
  /** Previews of the images asked about. */
  images?: string[];
  answer: string;
  messageId?: string;
  taskId?: string;
  status: 'streaming' | 'done' | 'stopped' | 'error';
  error?: string;
  citations: Citation[];
  steps: AgentStep[];
  usage?: Usage;
  suggestions?: string[];
}

/** Folds one stream event into the turn it belongs to; returns the same object when nothing changed. */
export function applyEvent(turn: ChatTurn, event: StreamEvent): ChatTurn {
  const ids = {
    messageId: (event.message_id as string | undefined) ?? turn.messageId,
    taskId: (event.task_id as string | undefined) ?? turn.taskId,
  };
  switch (event.event) {
    case 'message':
    case 'agent_message':
      return { ...turn, ...ids, answer: turn.answer + ((event.answer as string) ?? '') };
    case 'message_replace':
      return { ...turn, ...ids, answer: (event.answer as string) ?? '' };
    case 'agent_thought': {
      const step = event as unknown as AgentStep;
      const steps = turn.steps.some((s) => s.id === step.id) ? turn.steps.map((s) => (s.id === step.id ? step : s)) : [...turn.steps, step];
      return { ...turn, ...ids, steps };
    }
    case 'message_end': {
      const metadata = (event.metadata ?? {}) as { usage?: Usage; retriever_resources?: Citation[]; status?: string };
      return {
        ...turn,
        ...ids,
        status: metadata.status === 'stop' ? 'stopped' : 'done',
        usage: metadata.usage,
        citations: metadata.retriever_resources ?? [],
      };
    }
    case 'error':
      return { ...turn, ...ids, status: 'error', error: (event.message as string) ?? 'error' };
    default:
      return turn;
  }
}
