import type { ChatMessage, ToolDefinition } from '../llm/llm-types.js';
import type { NodeExecutor } from './engine.js';
import { callModel, type ModelAccess, type NodeModel } from './model-call.js';
import { asText } from './variable-pool.js';

interface ClassifierData {
  query_variable_selector?: string[];
  model?: NodeModel;
  classes?: Array<{ id: string; name: string }>;
  instruction?: string;
}

/** The first JSON object in a model's answer (models wrap it in prose or code fences). */
function jsonIn(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const value = JSON.parse(text.slice(start, end + 1)) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `question-classifier`: the model picks one of the node's classes for the query; the edge whose
 * `sourceHandle` is that class's id is taken. An answer naming no class falls to the first, as in Dify.
 */
export function questionClassifierNode(access: ModelAccess): NodeExecutor {
  return async ({ node, pool, signal }) => {
    const data = node.data as unknown as ClassifierData;
    const classes = data.classes ?? [];
    if (classes.length === 0) throw new Error('the classifier has no classes');
    const query = asText(pool.get(data.query_variable_selector ?? []));
    const instruction = pool.render(data.instruction ?? '');
    const messages: ChatMessage[] = [
      {
        role: 'system',
        content: [
          'You classify the text the user sends into exactly one of these categories.',
          `Categories (JSON): ${JSON.stringify(classes.map((c) => ({ category_id: c.id, category_name: c.name })))}`,
          ...(instruction ? [`Further instructions: ${instruction}`] : []),
          'Answer with one JSON object and nothing else: {"category_id": "...", "category_name": "..."}',
        ].join('\n'),
      },
      { role: 'user', content: query },
    ];
    const answer = await callModel(access, data.model, messages, { signal });
    const picked = jsonIn(answer.text);
    const chosen =
      classes.find((c) => c.id === String(picked?.['category_id'] ?? '')) ??
      classes.find((c) => c.name === String(picked?.['category_name'] ?? '')) ??
      classes[0]!;
    return {
      inputs: { query },
      processData: {
        model_provider: answer.provider,
        model_name: answer.model,
        prompts: messages.map((m) => ({ role: m.role, text: m.content })),
        usage: answer.report,
      },
      outputs: { class_name: chosen.name, class_id: chosen.id, usage: answer.report },
      handle: chosen.id,
      usage: answer.usage,
    };
  };
}

interface ParameterSpec {
  name: string;
  type: string;
  description?: string;
  required?: boolean;
  options?: string[];
}

interface ExtractorData {
  query?: string[];
  model?: NodeModel;
  parameters?: ParameterSpec[];
  instruction?: string;
  reasoning_mode?: 'function_call' | 'prompt';
}

const JSON_TYPES: Record<string, object> = {
  string: { type: 'string' },
  number: { type: 'number' },
  bool: { type: 'boolean' },
  boolean: { type: 'boolean' },
  'array[string]': { type: 'array', items: { type: 'string' } },
  'array[number]': { type: 'array', items: { type: 'number' } },
  'array[bool]': { type: 'array', items: { type: 'boolean' } },
  'array[object]': { type: 'array', items: { type: 'object' } },
};

/** The extracted value coerced to its declared type, or undefined when it cannot be. */
function coerce(value: unknown, spec: ParameterSpec): unknown {
  if (value === undefined || value === null) return undefined;
  switch (spec.type) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'bool':
    case 'boolean':
      return typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : undefined;
    case 'select':
      return spec.options?.includes(String(value)) ? String(value) : undefined;
    case 'string':
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    default:
      return spec.type.startsWith('array') ? (Array.isArray(value) ? value : undefined) : value;
  }
}

/**
 * `parameter-extractor`: the model reads the declared parameters out of the text, by a function call
 * where the model makes them, else as JSON in its answer. Each parameter is an output, with
 * `__is_success` and `__reason` saying whether the required ones were all found.
 */
export function parameterExtractorNode(
  access: ModelAccess,
  supportsTools: (provider: string, model: string) => Promise<boolean>,
): NodeExecutor {
  return async ({ node, pool, signal }) => {
    const data = node.data as unknown as ExtractorData;
    const specs = data.parameters ?? [];
    const query = asText(pool.get(data.query ?? []));
    const schema = {
      type: 'object',
      properties: Object.fromEntries(
        specs.map((p) => [
          p.name,
          {
            ...(p.type === 'select' ? { type: 'string', enum: p.options ?? [] } : (JSON_TYPES[p.type] ?? { type: 'string' })),
            description: p.description ?? '',
          },
        ]),
      ),
      required: specs.filter((p) => p.required).map((p) => p.name),
    };
    const instruction = pool.render(data.instruction ?? '');
    const provider = access.providerName(String(data.model?.provider ?? ''));
    const useTool = data.reasoning_mode !== 'prompt' && (await supportsTools(provider, String(data.model?.name ?? '')));
    const tool: ToolDefinition = {
      name: 'extract_parameters',
      description: 'Records the parameters found in the text.',
      parameters: schema,
    };
    const messages: ChatMessage[] = [
      {
        role: 'system',
        content: [
          'You extract structured parameters from the text the user sends.',
          ...(instruction ? [`Instructions: ${instruction}`] : []),
          useTool
            ? 'Call extract_parameters with what you find; leave out what the text does not say.'
            : `Answer with one JSON object matching this JSON Schema and nothing else; leave out what the text does not say:\n${JSON.stringify(schema)}`,
        ].join('\n'),
      },
      { role: 'user', content: query },
    ];
    const answer = await callModel(access, data.model, messages, { signal, ...(useTool ? { tools: [tool] } : {}) });
    const raw = useTool && answer.toolCalls[0] ? jsonIn(answer.toolCalls[0].arguments) : jsonIn(answer.text);
    const outputs: Record<string, unknown> = {};
    const missing: string[] = [];
    for (const spec of specs) {
      const value = coerce(raw?.[spec.name], spec);
      if (value === undefined && spec.required) missing.push(spec.name);
      outputs[spec.name] = value ?? (spec.type.startsWith('array') ? [] : null);
    }
    const reason = !raw
      ? 'the model answered no parameters'
      : missing.length > 0
        ? `missing required parameters: ${missing.join(', ')}`
        : '';
    return {
      inputs: { query },
      processData: { model_provider: answer.provider, model_name: answer.model, function_call: useTool, usage: answer.report },
      outputs: { ...outputs, __is_success: reason ? 0 : 1, __reason: reason || null, __usage: answer.report },
      usage: answer.usage,
    };
  };
}
