import { asc, inArray } from 'drizzle-orm';
import type { AgentStep } from '../core/agent/agent-types.js';
import type { Db } from '../extension/database.js';
import { unixSeconds } from '../lib/time.js';
import { messageAgentThoughts, type MessageAgentThought } from '../model/conversation.js';
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
    message_files: [],
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
    files: [] as string[],
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
