import { randomUUID } from 'node:crypto';
import { LlmError, type ChatMessage, type TokenUsage, type ToolCall, type ToolDefinition } from '../llm/llm-types.js';
import type { AgentEvent, AgentRun, AgentStep } from './agent-types.js';
import { callUsage } from './call-usage.js';
import { observe, parseArguments } from './tool-runner.js';

/**
 * The function-calling loop: the model answers or calls tools; the calls of one step run together,
 * their observations go back as tool messages, and the model goes again. The last iteration offers
 * no tools, so the limit ends with an answer rather than an error.
 */
export async function* functionCallAgent(run: AgentRun): AsyncGenerator<AgentEvent> {
  const tools = new Map(run.tools.map((t) => [t.name, t]));
  const definitions: ToolDefinition[] = run.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }));
  const messages: ChatMessage[] = [...run.messages];
  let spoken = false;
  for (let position = 1; position <= run.maxIterations; position++) {
    const started = performance.now();
    const offered = position < run.maxIterations && definitions.length > 0 ? definitions : undefined;
    let text = '';
    let calls: ToolCall[] = [];
    let reported: TokenUsage | undefined;
    for await (const event of run.call(messages, offered)) {
      if (event.type === 'text') {
        // What an earlier step said (its thought) and this step's text are paragraphs of one answer.
        if (spoken && text === '' && event.text) yield { type: 'text', text: '\n\n' };
        text += event.text;
        spoken ||= event.text !== '';
        yield event;
      } else if (event.type === 'tool_calls') calls = event.toolCalls;
      else if (event.type === 'usage') reported = event.usage;
    }
    const usage = await callUsage(reported, messages, text, calls);
    yield { type: 'usage', usage };
    if (calls.length === 0) return;

    const inputs = calls.map((c) => parseArguments(c.arguments));
    const step: AgentStep = {
      id: randomUUID(),
      position,
      thought: text,
      calls: calls.map((c, i) => ({
        tool: c.name,
        label: tools.get(c.name)?.label ?? { en_US: c.name, zh_Hans: c.name },
        input: objectOr(inputs[i]!),
      })),
      usage,
      latency: 0,
    };
    yield { type: 'step', step, observed: false };
    const observations = await Promise.all(calls.map((c, i) => observe(tools, c.name, inputs[i]!, run.toolTimeoutMs, run.signal)));
    if (run.signal.aborted) throw new LlmError('aborted', 'the answer was stopped');
    step.calls.forEach((c, i) => Object.assign(c, observations[i]));
    step.latency = (performance.now() - started) / 1000;
    yield { type: 'step', step, observed: true };
    messages.push({ role: 'assistant', content: text, toolCalls: calls });
    calls.forEach((c, i) => messages.push({ role: 'tool', toolCallId: c.id, content: observations[i]!.observation }));
  }
}

function objectOr(input: Record<string, unknown> | string): Record<string, unknown> {
  return typeof input === 'string' ? { arguments: input } : input;
}
