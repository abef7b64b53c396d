import { randomUUID } from 'node:crypto';
import { LlmError, type ChatMessage, type TokenUsage } from '../llm/llm-types.js';
import type { AgentEvent, AgentRun, AgentStep, AgentTool } from './agent-types.js';
import { callUsage } from './call-usage.js';
import { observe } from './tool-runner.js';

const FINAL = 'Final Answer:';

/** The ReAct instructions, after the app's own prompt: for models without function calling. */
export function reactInstructions(tools: readonly AgentTool[]): string {
  const list = tools.map((t) => `- ${t.name}: ${t.description}\n  arguments (JSON Schema): ${JSON.stringify(t.parameters)}`).join('\n');
  return [
    'You can use these tools:',
    list,
    '',
    'To use a tool, answer in exactly this format and stop after the Action:',
    'Thought: what you need and why',
    'Action:',
    '```json',
    '{"action": "<one tool name>", "action_input": {<the arguments>}}',
    '```',
    'You will get the tool\'s result as "Observation: ...". Use tools as often as you need.',
    `When you know the answer, write "${FINAL}" followed by the answer for the user, in the user's language.`,
  ].join('\n');
}

/**
 * ReAct for models without function calling: the model writes Thought / Action as text, the action
 * runs, its observation goes back as the next user turn. Text after "Final Answer:" streams out as
 * it comes; a reply with neither an action nor the marker is taken as the answer.
 */
export async function* reactAgent(run: AgentRun): AsyncGenerator<AgentEvent> {
  const tools = new Map(run.tools.map((t) => [t.name, t]));
  const [system, ...rest] = run.messages[0]?.role === 'system' ? run.messages : [undefined, ...run.messages];
  const instructions = reactInstructions(run.tools);
  const messages: ChatMessage[] = [
    { role: 'system', content: system?.content ? `${system.content}\n\n${instructions}` : instructions },
    ...(rest as ChatMessage[]),
  ];
  for (let position = 1; position <= run.maxIterations; position++) {
    const started = performance.now();
    const last = position === run.maxIterations;
    if (last) messages.push({ role: 'user', content: `No more tools now: write "${FINAL}" and the best answer you have.` });
    const scan = new ReplyScanner();
    let reported: TokenUsage | undefined;
    for await (const event of run.call(messages, undefined)) {
      if (event.type === 'text') {
        const answer = scan.push(event.text);
        if (answer) yield { type: 'text', text: answer };
      } else if (event.type === 'usage') reported = event.usage;
    }
    const usage = await callUsage(reported, messages, scan.text);
    yield { type: 'usage', usage };
    const action = scan.answering ? undefined : parseAction(scan.text);
    if (!action || action.tool === 'Final Answer') {
      // No action: what the model wrote (or the action's input, for a "Final Answer" action) is the answer.
      const rest = scan.answering ? '' : action ? action.raw : scan.text.trim();
      if (rest) yield { type: 'text', text: rest };
      return;
    }
    const input = bindInput(tools.get(action.tool), action.input);
    const step: AgentStep = {
      id: randomUUID(),
      position,
      thought: scan.thought(),
      calls: [
        {
          tool: action.tool,
          label: tools.get(action.tool)?.label ?? { en_US: action.tool, zh_Hans: action.tool },
          input: typeof input === 'string' ? { input } : input,
        },
      ],
      usage,
      latency: 0,
    };
    yield { type: 'step', step, observed: false };
    const { observation, files } = await observe(tools, action.tool, input, run.toolTimeoutMs, run.signal);
    if (run.signal.aborted) throw new LlmError('aborted', 'the answer was stopped');
    Object.assign(step.calls[0]!, { observation, files });
    step.latency = (performance.now() - started) / 1000;
    yield { type: 'step', step, observed: true };
    messages.push({ role: 'assistant', content: scan.beforeObservation() });
    messages.push({ role: 'user', content: `Observation: ${observation}` });
  }
}

/** Follows a streamed ReAct reply: once "Final Answer:" appears, what follows it is answer text. */
class ReplyScanner {
  text = '';
  answering = false;

  push(delta: string): string {
    const before = this.text.length;
    this.text += delta;
    if (this.answering) return delta;
    const at = this.text.indexOf(FINAL);
    if (at < 0) return '';
    this.answering = true;
    return this.text.slice(Math.max(at + FINAL.length, before)).replace(/^\s+/, '');
  }

  /** A model that goes on to invent its own observation is cut there. */
  beforeObservation(): string {
    const at = this.text.indexOf('\nObservation:');
    return (at < 0 ? this.text : this.text.slice(0, at)).trim();
  }

  thought(): string {
    const text = this.beforeObservation();
    const action = text.search(/\bAction\s*:/);
    return (action < 0 ? text : text.slice(0, action)).replace(/^\s*Thought\s*:\s*/, '').trim();
  }
}

/** The Action's JSON (fenced or bare) as tool and input; undefined when the reply has none. */
export function parseAction(text: string): { tool: string; input: Record<string, unknown> | string; raw: string } | undefined {
  const at = text.search(/\bAction\s*:/);
  if (at < 0) return undefined;
  const after = text.slice(at).replace(/\nObservation:[\s\S]*$/, '');
  const start = after.indexOf('{');
  const end = after.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(after.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const { action, action_input: input } = parsed as { action?: unknown; action_input?: unknown };
  if (typeof action !== 'string') return undefined;
  const raw = typeof input === 'string' ? input : JSON.stringify(input ?? {});
  if (input && typeof input === 'object' && !Array.isArray(input)) return { tool: action, input: input as Record<string, unknown>, raw };
  return { tool: action, input: typeof input === 'string' ? input : {}, raw };
}

/** Models often write a one-argument tool's input as a bare string: it goes to that one argument. */
function bindInput(tool: AgentTool | undefined, input: Record<string, unknown> | string): Record<string, unknown> | string {
  if (typeof input !== 'string' || !tool) return input;
  const names = Object.keys((tool.parameters.properties as Record<string, unknown> | undefined) ?? {});
  return names.length === 1 ? { [names[0]!]: input } : input;
}
