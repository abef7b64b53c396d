import { TEMPLATE_REFERENCE } from './graph.js';

/**
 * The values a workflow run has made so far, keyed as Dify keys them: `[node_id, variable, ...path]`,
 * with the run's own under `sys`, environment variables under `env` and a chatflow's conversation
 * variables under `conversation`.
 */
export class VariablePool {
  private readonly scopes = new Map<string, Record<string, unknown>>();

  constructor(initial: { sys?: Record<string, unknown>; env?: Record<string, unknown>; conversation?: Record<string, unknown> } = {}) {
    this.scopes.set('sys', { ...initial.sys });
    this.scopes.set('env', { ...initial.env });
    // Kept as given: a chatflow's assigners change it in place, and the turn stores what they left.
    this.scopes.set('conversation', initial.conversation ?? {});
  }

  /** A node's outputs, readable by the nodes after it. */
  set(nodeId: string, outputs: Record<string, unknown>): void {
    this.scopes.set(nodeId, outputs);
  }

  /** A pool for the nodes inside a container: it reads everything this one has; what they write stays in it. */
  fork(): VariablePool {
    const child = new VariablePool();
    for (const [scope, values] of this.scopes) child.scopes.set(scope, values);
    return child;
  }

  /**
   * Changes one variable where it lives (a chatflow's conversation variable, a loop's variable):
   * in place, so every pool forked from the one holding it sees the change.
   */
  assign(selector: readonly string[], value: unknown): void {
    const [scope, name] = selector;
    const values = scope === undefined ? undefined : this.scopes.get(scope);
    if (!values || name === undefined || selector.length !== 2)
      throw new Error(`${selector.join('.')} is not a variable that can be assigned`);
    values[name] = value;
  }

  has(nodeId: string): boolean {
    return this.scopes.has(nodeId);
  }

  /** The value at a selector; undefined where any step of the path is missing. */
  get(selector: readonly string[]): unknown {
    const [scope, ...path] = selector;
    let value: unknown = scope === undefined ? undefined : this.scopes.get(scope);
    for (const key of path) {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  }

  /** `{{#node.variable#}}` references replaced by their values (objects as JSON, missing ones as empty text), as Dify renders them. */
  render(template: string): string {
    return template.replace(TEMPLATE_REFERENCE, (_whole, path: string) => asText(this.get(path.split('.'))));
  }
}

export function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Names the first output larger than `limit` bytes (as UTF-8 text, objects as JSON), or undefined when all fit. */
export function oversizedVariable(outputs: Record<string, unknown>, limit: number): string | undefined {
  for (const [name, value] of Object.entries(outputs)) {
    if (value === null || (typeof value !== 'string' && typeof value !== 'object')) continue;
    // A string of n UTF-16 units is at most 3n bytes: most never need counting.
    if (typeof value === 'string' && value.length * 3 <= limit) continue;
    const bytes = Buffer.byteLength(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
    if (bytes > limit)
      return `output ${name} is ${Math.ceil(bytes / 1024)} KB, over the ${Math.floor(limit / 1024)} KB one variable may hold`;
  }
  return undefined;
}
