import type { SandboxJob } from '../sandbox/sandbox-types.js';
import type { NodeExecutor } from './engine.js';
import type { VariablePool } from './variable-pool.js';

/** Runs a job in the sandbox (see Sandbox); what the code nodes are given. */
export type RunSandboxed = (job: SandboxJob, signal: AbortSignal) => Promise<unknown>;

interface VariableSpec {
  variable: string;
  value_selector: string[];
}

/** Dify's limits on what code may hand back. */
const MAX_STRING_LENGTH = 400_000;
const MAX_DEPTH = 5;
const MAX_ARRAY = { string: 30, number: 1000, object: 30, boolean: 1000 } as const;

/** The values of a node's `variables` list, by name, read from the pool. */
export function namedValues(pool: VariablePool, variables: unknown): Record<string, unknown> {
  const specs = Array.isArray(variables) ? (variables as VariableSpec[]) : [];
  return Object.fromEntries(specs.filter((v) => v?.variable).map((v) => [v.variable, pool.get(v.value_selector ?? []) ?? null]));
}

/** `code`: `main(...)` of the node's Python or JavaScript with the declared variables; the result checked against the declared outputs. */
export function codeNode(run: RunSandboxed): NodeExecutor {
  return async ({ node, pool, signal }) => {
    const language = String(node.data['code_language'] ?? 'python3');
    if (language !== 'javascript' && language !== 'python3') {
      throw new Error(`${language} code cannot run here; the sandbox runs python3 and javascript`);
    }
    const inputs = namedValues(pool, node.data['variables']);
    const kind = language === 'python3' ? 'python' : 'javascript';
    const result = await run({ kind, code: String(node.data['code'] ?? ''), inputs }, signal);
    const declared = (node.data['outputs'] ?? {}) as Record<string, { type?: string }>;
    return { inputs, outputs: checkOutputs(result, declared) };
  };
}

/** `template-transform`: its Jinja2 template rendered with the declared variables. */
export function templateTransformNode(run: RunSandboxed): NodeExecutor {
  return async ({ node, pool, signal }) => {
    const variables = namedValues(pool, node.data['variables']);
    const output = await run({ kind: 'jinja', template: String(node.data['template'] ?? ''), variables }, signal);
    const text = typeof output === 'string' ? output : String(output);
    if (text.length > MAX_STRING_LENGTH) throw new Error(`the output is longer than ${MAX_STRING_LENGTH} characters`);
    return { inputs: variables, outputs: { output: text } };
  };
}

/** The code's result, each declared output present and of its declared type (Dify's checks and limits). */
export function checkOutputs(result: unknown, declared: Record<string, { type?: string }>): Record<string, unknown> {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) throw new Error('main must return an object');
  const values = result as Record<string, unknown>;
  const outputs: Record<string, unknown> = {};
  for (const [name, { type = 'string' }] of Object.entries(declared)) {
    if (!(name in values)) throw new Error(`output ${name} is missing`);
    outputs[name] = checkValue(values[name], type, name, 1);
  }
  return outputs;
}

function checkValue(value: unknown, type: string, path: string, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new Error(`${path}: objects nest deeper than ${MAX_DEPTH}`);
  if (value === null || value === undefined) return null;
  const list = /^array\[(string|number|object|boolean)\]$/.exec(type);
  if (list) {
    const item = list[1] as keyof typeof MAX_ARRAY;
    if (!Array.isArray(value)) throw new Error(`output ${path} must be an array, not ${kindOf(value)}`);
    if (value.length > MAX_ARRAY[item]) throw new Error(`output ${path} has ${value.length} items; at most ${MAX_ARRAY[item]}`);
    return value.map((v, i) => checkValue(v, item, `${path}[${i}]`, depth + 1));
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw new Error(`output ${path} must be a string, not ${kindOf(value)}`);
      if (value.length > MAX_STRING_LENGTH) throw new Error(`output ${path} is longer than ${MAX_STRING_LENGTH} characters`);
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`output ${path} must be a number, not ${kindOf(value)}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw new Error(`output ${path} must be a boolean, not ${kindOf(value)}`);
      return value;
    case 'object':
      if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`output ${path} must be an object, not ${kindOf(value)}`);
      if (depth + depthOf(value) > MAX_DEPTH) throw new Error(`output ${path}: objects nest deeper than ${MAX_DEPTH}`);
      return value;
    default:
      return value;
  }
}

const depthOf = (value: unknown): number =>
  value && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value as object).map(depthOf)) : 0;

const kindOf = (value: unknown) => (Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`);
