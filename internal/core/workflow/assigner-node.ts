import type { NodeExecutor } from './engine.js';
import type { VariablePool } from './variable-pool.js';

interface AssignItem {
  variable_selector?: string[];
  input_type?: 'variable' | 'constant';
  operation?: string;
  value?: unknown;
}

const num = (value: unknown, what: string): number => {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new Error(`${what} is not a number`);
  return n;
};

/** The variable's next value after one of Dify's assigner operations. */
function apply(operation: string, current: unknown, value: unknown, name: string): unknown {
  switch (operation) {
    case 'over-write':
    case 'set':
      return value;
    case 'clear':
      return Array.isArray(current) ? [] : typeof current === 'number' ? 0 : typeof current === 'object' && current !== null ? {} : '';
    case 'append':
      return [...(Array.isArray(current) ? current : []), value];
    case 'extend':
      if (!Array.isArray(value)) throw new Error(`extend ${name}: the value is not a list`);
      return [...(Array.isArray(current) ? current : []), ...value];
    case 'remove-first':
      return Array.isArray(current) ? current.slice(1) : current;
    case 'remove-last':
      return Array.isArray(current) ? current.slice(0, -1) : current;
    case '+=':
      return num(current, name) + num(value, 'the value');
    case '-=':
      return num(current, name) - num(value, 'the value');
    case '*=':
      return num(current, name) * num(value, 'the value');
    case '/=': {
      const divisor = num(value, 'the value');
      if (divisor === 0) throw new Error(`${name} /= 0`);
      return num(current, name) / divisor;
    }
    default:
      throw new Error(`the operation ${operation} is not known`);
  }
}

function items(data: Record<string, unknown>): AssignItem[] {
  if (Array.isArray(data['items'])) return data['items'] as AssignItem[];
  // The first version: one variable, from another variable, overwritten, appended to or cleared.
  return [
    {
      variable_selector: data['assigned_variable_selector'] as string[] | undefined,
      input_type: 'variable',
      operation: String(data['write_mode'] ?? 'over-write'),
      value: data['input_variable_selector'],
    },
  ];
}

/**
 * `assigner` (both versions): changes conversation variables (chatflows) and loop variables, in
 * order; later nodes, later rounds and (for conversation variables) later turns see the change.
 */
export const assignerNode: NodeExecutor = async ({ node, pool }) => {
  const changed: Record<string, unknown> = {};
  for (const item of items(node.data)) {
    const target = item.variable_selector ?? [];
    if (target.length !== 2) throw new Error('each item needs the variable it assigns');
    const value = valueOf(item, pool);
    const next = apply(item.operation ?? 'over-write', pool.get(target), value, target.join('.'));
    pool.assign(target, next);
    changed[target.join('.')] = next;
  }
  return { inputs: {}, processData: { updated_variables: changed }, outputs: {} };
};

function valueOf(item: AssignItem, pool: VariablePool): unknown {
  if (item.operation === 'clear' || item.operation === 'remove-first' || item.operation === 'remove-last') return undefined;
  return item.input_type === 'variable' && Array.isArray(item.value) ? pool.get(item.value as string[]) : item.value;
}
