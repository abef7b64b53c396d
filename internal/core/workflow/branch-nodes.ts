import type { NodeExecutor } from './engine.js';
import type { VariablePool } from './variable-pool.js';

/** One condition of an if-else case, as Dify's canvas writes it. */
export interface Condition {
  variable_selector: string[];
  comparison_operator: string;
  value?: unknown;
}

interface Case {
  case_id: string;
  logical_operator?: 'and' | 'or';
  conditions: Condition[];
}

const numberOf = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

const isEmpty = (value: unknown) =>
  value === undefined ||
  value === null ||
  value === '' ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

/** The expected value: text with `{{#node.var#}}` rendered, lists as they are. */
const expectedOf = (value: unknown, pool: VariablePool): unknown => (typeof value === 'string' ? pool.render(value) : value);

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : typeof value === 'string' ? [value] : []);

/** Dify's comparison operators, with its answers for missing values (a missing value "does not contain" anything). */
export function compare(operator: string, actual: unknown, expected: unknown): boolean {
  switch (operator) {
    case 'contains':
      return typeof actual === 'string' ? actual.includes(String(expected)) : Array.isArray(actual) ? actual.includes(expected) : false;
    case 'not contains':
      return !compare('contains', actual, expected);
    case 'start with':
      return typeof actual === 'string' && actual.startsWith(String(expected));
    case 'end with':
      return typeof actual === 'string' && actual.endsWith(String(expected));
    case 'is':
      return actual !== undefined && actual !== null && String(actual) === String(expected);
    case 'is not':
      return !compare('is', actual, expected);
    case 'empty':
      return isEmpty(actual);
    case 'not empty':
      return !isEmpty(actual);
    case 'null':
      return actual === undefined || actual === null;
    case 'not null':
      return !compare('null', actual, expected);
    case 'in':
      return asList(expected).some((item) => String(item) === String(actual));
    case 'not in':
      return !compare('in', actual, expected);
    case 'all of':
      return Array.isArray(actual) && asList(expected).every((item) => actual.includes(item));
    case '=':
    case '≠':
    case '>':
    case '<':
    case '≥':
    case '≤': {
      const a = numberOf(actual);
      const b = numberOf(expected);
      if (a === undefined || b === undefined) return operator === '≠';
      return { '=': a === b, '≠': a !== b, '>': a > b, '<': a < b, '≥': a >= b, '≤': a <= b }[operator];
    }
    default:
      throw new Error(`the comparison operator ${operator} is not known`);
  }
}

/** Older canvases keep one case's conditions on the node itself; its case is `true`. */
function casesOf(data: Record<string, unknown>): Case[] {
  if (Array.isArray(data['cases'])) return data['cases'] as Case[];
  const conditions = (data['conditions'] ?? []) as Condition[];
  return [{ case_id: 'true', logical_operator: (data['logical_operator'] as 'and' | 'or') ?? 'and', conditions }];
}

/** Whether the conditions hold together (`and`: all, and at least one; `or`: any). */
export function conditionsHold(conditions: readonly Condition[], logical: 'and' | 'or' | undefined, pool: VariablePool): boolean {
  const results = conditions.map((c) => compare(c.comparison_operator, pool.get(c.variable_selector), expectedOf(c.value, pool)));
  return logical === 'or' ? results.some(Boolean) : results.length > 0 && results.every(Boolean);
}

/** `if-else`: the first case whose conditions hold chooses its edge (`case_id`), else the `false` edge. */
export const ifElseNode: NodeExecutor = async ({ node, pool }) => {
  for (const item of casesOf(node.data)) {
    if (conditionsHold(item.conditions, item.logical_operator, pool))
      return { outputs: { result: true, selected_case_id: item.case_id }, handle: item.case_id };
  }
  return { outputs: { result: false, selected_case_id: 'false' }, handle: 'false' };
};

/** `variable-aggregator`: the first of its variables that has a value (the branch that ran), or per group. */
export const variableAggregatorNode: NodeExecutor = async ({ node, pool }) => {
  const first = (selectors: unknown) =>
    (selectors as string[][]).map((s) => pool.get(s)).find((v) => v !== undefined && v !== null) ?? null;
  const settings = (node.data['advanced_settings'] ?? {}) as {
    group_enabled?: boolean;
    groups?: Array<{ group_name: string; variables: string[][] }>;
  };
  if (settings.group_enabled && settings.groups) {
    return { outputs: Object.fromEntries(settings.groups.map((g) => [g.group_name, { output: first(g.variables) }])) };
  }
  return { outputs: { output: first(node.data['variables'] ?? []) } };
};
