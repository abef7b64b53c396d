import { asc, inArray } from 'drizzle-orm';
import type { AgentStep, AgentStrategy } from '../../core/agent/agent-types.js';
import type { ChatMessage } from '../../core/llm/llm-types.js';
import type { Db } from '../../extension/database.js';
import { unixSeconds } from '../../lib/time.js';
import { messageAgentThoughts, type MessageAgentThought } from '../../model/conversation.js';
import type { AgentThoughtFields } from './chat-types.js';

/** Keys by tool name, as Dify's JSON texts have them; a tool called twice in a step gets `name#2`. */
function byTool<T>(step: AgentStep, value: (call: AgentStep['calls'][number]) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const call of step.calls) {
    let key = call.tool;
    for (let n = 2; key in out; n++) key = `${call.tool}#${n}`;
    out[key] = value(call);
  }
  return out;
}

export function thoughtFields(step: AgentStep, createdAt: number): AgentThoughtFields {
  const observed = step.calls.every((c) => c.observation !== undefined);
  return {
    id: step.id,
    position: step.position,
    thought: step.thought,
    tool: step.calls.map((c) => c.tool).join(';'),
    tool_labels: byTool(step, (c) => c.label),
    tool_input: JSON.stringify(byTool(step, (c) => c.input)),
    observation: observed ? JSON.stringify(byTool(step, (c) => c.observation)) : '',
    message_files: step.calls.flatMap((c) => c.files ?? []),
    created_at: createdAt,
  };
}

/** Rows for message_agent_thoughts. */
export function thoughtRows(messageId: string, steps: readonly AgentStep[]) {
  return steps.map((step) => {
    const fields = thoughtFields(step, 0);
    return {
      id: step.id,
      messageId,
      position: step.position,
      thought: fields.thought,
      tool: fields.tool,
      toolLabels: fields.tool_labels,
      toolInput: fields.tool_input,
      observation: fields.observation,
      messageFiles: fields.message_files,
      tokens: step.usage.promptTokens + step.usage.completionTokens,
      latency: step.latency,
    };
  });
}

/** A stored step as message lists carry it (Dify's `agent_thoughts` entries). */
export function thoughtView(row: MessageAgentThought) {
  return {
    id: row.id,
    chain_id: null,
    message_id: row.messageId,
    position: row.position,
    thought: row.thought,
    tool: row.tool,
    tool_labels: row.toolLabels,
    tool_input: row.toolInput,
    observation: row.observation,
    files: row.messageFiles,
    created_at: unixSeconds(row.createdAt),
  };
}

export type ThoughtView = ReturnType<typeof thoughtView>;

/** The steps of a page of messages, in order, by message id: one query. */
export async function thoughtsOf(db: Db, messageIds: readonly string[]): Promise<Map<string, ThoughtView[]>> {
  const found = new Map<string, ThoughtView[]>();
  if (messageIds.length === 0) return found;
  const rows = await db
    .select()
    .from(messageAgentThoughts)
    .where(inArray(messageAgentThoughts.messageId, [...messageIds]))
    .orderBy(asc(messageAgentThoughts.messageId), asc(messageAgentThoughts.position));
  for (const row of rows) {
    const list = found.get(row.messageId) ?? [];
    list.push(thoughtView(row));
    found.set(row.messageId, list);
  }
  return found;
}

/**
 * The stored steps of earlier answers as the messages that went between each question and its
 * answer, so a later turn's model sees what its tools said: tool calls and tool results for
 * function calling, Thought / Action / Observation text for ReAct. Steps never observed (a stop) are left out.
 */
export async function stepMessages(db: Db, messageIds: readonly string[], strategy: AgentStrategy): Promise<Map<string, ChatMessage[]>> {
  const byMessage = new Map<string, ChatMessage[]>();
  for (const [messageId, steps] of await thoughtsOf(db, messageIds)) {
    const messages = steps.filter((s) => s.observation).flatMap((s) => replay(s, strategy));
    if (messages.length > 0) byMessage.set(messageId, messages);
  }
  return byMessage;
}

function replay(step: ThoughtView, strategy: AgentStrategy): ChatMessage[] {
  const inputs = Object.entries(JSON.parse(step.tool_input || '{}') as Record<string, unknown>);
  const observations = JSON.parse(step.observation) as Record<string, string>;
  // Keys are tool names, `name#2` for a second call of one tool in the same step.
  const calls = inputs.map(([key, input], i) => ({
    id: `call_${step.id.slice(0, 8)}_${i}`,
    name: key.replace(/#\d+$/, ''),
    input,
    observation: observations[key] ?? '',
  }));
  if (strategy === 'react') {
    return calls.flatMap((c) => [
      {
        role: 'assistant' as const,
        content: `Thought: ${step.thought}\nAction: ${JSON.stringify({ action: c.name, action_input: c.input })}`,
      },
      { role: 'user' as const, content: `Observation: ${c.observation}` },
    ]);
  }
  return [
    {
      role: 'assistant',
      content: step.thought,
      toolCalls: calls.map((c) => ({ id: c.id, name: c.name, arguments: JSON.stringify(c.input) })),
    },
    ...calls.map((c) => ({ role: 'tool' as const, toolCallId: c.id, content: c.observation })),
  ];
}
