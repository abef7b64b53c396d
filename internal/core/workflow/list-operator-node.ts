import { compare } from './branch-nodes.js';
import type { NodeExecutor } from './engine.js';

interface ListOperatorData {
  variable?: string[];
  filter_by?: { enabled?: boolean; conditions?: Array<{ key?: string; comparison_operator: string; value?: unknown }> };
  extract_by?: { enabled?: boolean; serial?: string };
  order_by?: { enabled?: boolean; key?: string; value?: 'asc' | 'desc' };
  limit?: { enabled?: boolean; size?: number };
}

/** A file's attribute (`key`) or the item itself, for lists of scalars. */
const pick = (item: unknown, key: string | undefined): unknown =>
  key && typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[key] : item;

/**
 * `list-operator`, in Dify's order: keep the items every condition holds for, take the n-th (1-based,
 * `{{#...#}}` allowed), sort, then keep the first `size`. Outputs the list and its first and last items.
 */
export const listOperatorNode: NodeExecutor = async ({ node, pool }) => {
  const data = node.data as ListOperatorData & Record<string, unknown>;
  const selector = data.variable ?? [];
  const value = pool.get(selector);
  if (value === undefined) throw new Error(`the variable ${selector.join('.')} has no value`);
  if (value !== null && !Array.isArray(value)) throw new Error(`the variable ${selector.join('.')} is not a list`);
  let items: unknown[] = value ?? [];
  if (data.filter_by?.enabled) {
    for (const c of data.filter_by.conditions ?? []) {
      const expected = typeof c.value === 'string' ? pool.render(c.value) : c.value;
      items = items.filter((item) => compare(c.comparison_operator, pick(item, c.key), expected));
    }
  }
  if (data.extract_by?.enabled) {
    const serial = Number(pool.render(String(data.extract_by.serial ?? '1')));
    if (!Number.isInteger(serial) || serial < 1 || serial > items.length) {
      throw new Error(`cannot take item ${String(data.extract_by.serial)} of a list of ${items.length}`);
    }
    items = [items[serial - 1]];
  }
  if (data.order_by?.enabled) {
    const key = data.order_by.key;
    const sign = data.order_by.value === 'desc' ? -1 : 1;
    items = [...items].sort((a, b) => {
      const x = pick(a, key);
      const y = pick(b, key);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
      return sign * order;
    });
  }
  if (data.limit?.enabled && typeof data.limit.size === 'number' && data.limit.size >= 0) items = items.slice(0, data.limit.size);
  return {
    inputs: { variable: value },
    outputs: { result: items, first_record: items[0] ?? null, last_record: items.at(-1) ?? null },
  };
};
