import type { AgentStrategy, AgentTool } from '../agent/agent-types.js';
import { TOOL_TYPE_OF_PROVIDER } from '../../entity/app-config-entity.js';
import { functionCallAgent } from '../agent/function-call-agent.js';
import { reactAgent } from '../agent/react-agent.js';
import type { ChatMessage } from '../llm/llm-types.js';
import type { NodeExecutor } from './engine.js';
import { remembered, type ChatTurn } from './llm-node.js';
import { nodeParameters, spent, type ModelAccess } from './model-call.js';
import { jsonOf, type ToolLookup } from './tool-node.js';
import type { FileAccess } from './workflow-file.js';
import type { VariablePool } from './variable-pool.js';

/** One of the node's `agent_parameters`, as Dify's canvas writes it. */
interface AgentInput {
  type?: 'mixed' | 'variable' | 'constant';
  value?: unknown;
}

/** A tool the agent may call (Dify's tool selector in the canvas). */
interface ToolChoice {
  enabled?: boolean;
  type?: string;
  provider_name?: string;
  provider_id?: string;
  tool_name?: string;
  settings?: Record<string, { value?: unknown } | unknown>;
  /** `auto: 0` fixes a parameter to `value`; the model fills the others. */
  parameters?: Record<string, { auto?: number; value?: unknown } | null>;
}

const DEFAULT_ITERATIONS = 3;

/** Dify's built-in strategies (the `langgenius/agent` plugin) by name; other plugins' strategies cannot run here. */
function strategyOf(name: unknown): AgentStrategy {
  const normalised = String(name ?? '').toLowerCase();
  if (normalised === 'function_calling' || normalised === 'function_call') return 'function_call';
  if (normalised === 'react') return 'react';
  throw new Error(`the agent strategy ${String(name ?? '(none)')} cannot run here; function_calling and ReAct can`);
}

const valueOf = (input: AgentInput | undefined, pool: VariablePool): unknown =>
  input?.type === 'variable' && Array.isArray(input.value)
    ? pool.get(input.value as string[])
    : input?.type === 'mixed' || typeof input?.value === 'string'
      ? pool.render(String(input?.value ?? ''))
      : input?.value;

/**
 * `agent`: a model that calls tools in a loop (function calling or ReAct, Dify's two built-in
 * strategies) on the node's instruction and query, with the workspace's built-in, API, MCP and workflow tools.
 * Its answer streams as it comes; outputs `text`, `usage`, `files` and `json` as Dify's node does.
 */
export function agentNode(
  access: ModelAccess,
  lookup: ToolLookup,
  files: FileAccess,
  toolTimeoutMs: number,
  history: readonly ChatTurn[] = [],
): NodeExecutor {
  return async ({ node, pool, signal, stream }) => {
    const strategy = strategyOf(node.data['agent_strategy_name']);
    const params = (node.data['agent_parameters'] ?? {}) as Record<string, AgentInput | undefined>;
    const model = (params['model']?.value ?? {}) as { provider?: string; model?: string; completion_params?: Record<string, unknown> };
    const { llm, spec } = await access.resolveModel(access.providerName(String(model.provider ?? '')), String(model.model ?? ''));
    const parameters = nodeParameters(spec, model.completion_params);
    const tools = await agentTools(lookup, access.providerName, params['tools']?.value);
    const instruction = String(valueOf(params['instruction'], pool) ?? '');
    const query = String(valueOf(params['query'], pool) ?? '');
    const iterations = Number(valueOf(params['maximum_iterations'], pool) ?? DEFAULT_ITERATIONS);
    const messages: ChatMessage[] = [
      ...(instruction.trim() ? [{ role: 'system' as const, content: instruction }] : []),
      ...(node.data['memory'] ? remembered({ ...(node.data['memory'] as object), query_prompt_template: query }, history, pool) : []),
    ];
    if (!node.data['memory'] && query.trim()) messages.push({ role: 'user', content: query });
    if (!messages.some((m) => m.role === 'user')) throw new Error('query: the agent has nothing to answer');

    const began = performance.now();
    let firstToken = 0;
    let text = '';
    let promptTokens = 0;
    let completionTokens = 0;
    const steps: unknown[] = [];
    // What the tools gave besides text, as Dify's node outputs them: files they made, JSON they answered.
    const made: string[] = [];
    const json: unknown[] = [];
    const run = {
      call: (messages: ChatMessage[], offered: Parameters<typeof llm.chatStream>[0]['tools']) =>
        llm.chatStream({ model: spec.model, messages, parameters, signal, ...(offered ? { tools: offered } : {}) }),
      messages,
      tools,
      maxIterations: Math.min(Math.max(Number.isFinite(iterations) ? Math.trunc(iterations) : DEFAULT_ITERATIONS, 1), 99),
      toolTimeoutMs,
      signal,
    };
    for await (const event of strategy === 'react' ? reactAgent(run) : functionCallAgent(run)) {
      if (event.type === 'text') {
        firstToken ||= performance.now();
        text += event.text;
        stream(event.text, [node.id, 'text']);
      } else if (event.type === 'usage') {
        promptTokens += event.usage.promptTokens;
        completionTokens += event.usage.completionTokens;
      } else if (event.observed) {
        const { position, thought, calls } = event.step;
        steps.push({ position, thought, tool_calls: calls.map((c) => ({ tool: c.tool, input: c.input, observation: c.observation })) });
        for (const call of calls) {
          made.push(...(call.files ?? []));
          json.push(...jsonOf(call.observation ?? ''));
        }
      }
    }
    const { report, usage } = spent(spec, promptTokens, completionTokens, began, firstToken);
    return {
      inputs: { instruction, query, tools: tools.map((t) => t.name), strategy },
      processData: { model_provider: spec.provider, model_name: spec.model, steps },
      outputs: { text, usage: report, files: await files.uploaded(made), json },
      usage,
    };
  };
}

/** The enabled tools of the node, each from this workspace; fixed parameters are filled in and hidden from the model. */
async function agentTools(lookup: ToolLookup, providerName: (id: string) => string, value: unknown): Promise<AgentTool[]> {
  const choices = (Array.isArray(value) ? value : []) as ToolChoice[];
  const tools: AgentTool[] = [];
  for (const choice of choices.filter((c) => c && c.enabled !== false)) {
    const type = TOOL_TYPE_OF_PROVIDER[choice.type ?? 'builtin'];
    if (!type) throw new Error(`${choice.type} tools cannot run here; built-in, API, MCP and workflow tools can`);
    const rawProvider = String(choice.provider_id ?? choice.provider_name ?? '');
    const provider = type === 'builtin_tool' ? providerName(rawProvider) : rawProvider;
    const settings = Object.fromEntries(
      Object.entries(choice.settings ?? {}).flatMap(([k, v]) => {
        const setting = v && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v;
        return typeof setting === 'string' || typeof setting === 'number' || typeof setting === 'boolean' ? [[k, setting]] : [];
      }),
    );
    const tool = await lookup({ type, provider_id: provider, tool_id: String(choice.tool_name ?? ''), params: settings });
    if (!tool) throw new Error(`the tool ${provider}/${choice.tool_name ?? ''} does not exist in this workspace`);
    const fixed = Object.fromEntries(
      Object.entries(choice.parameters ?? {}).flatMap(([k, p]) =>
        p && p.auto === 0 && p.value !== undefined && p.value !== null ? [[k, p.value]] : [],
      ),
    );
    tools.push(Object.keys(fixed).length === 0 ? tool : withFixed(tool, fixed));
  }
  return tools;
}

function withFixed(tool: AgentTool, fixed: Record<string, unknown>): AgentTool {
  const schema = tool.parameters as { properties?: Record<string, unknown>; required?: string[] };
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => !(k in fixed)));
  return {
    ...tool,
    parameters: { ...schema, properties, required: (schema.required ?? []).filter((k) => !(k in fixed)) },
    invoke: (args, signal) => tool.invoke({ ...args, ...fixed }, signal),
  };
}
