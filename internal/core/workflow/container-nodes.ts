import { conditionsHold, type Condition } from './branch-nodes.js';
import type { NodeExecutor } from './engine.js';

interface IterationData {
  iterator_selector?: string[];
  output_selector?: string[];
  is_parallel?: boolean;
  parallel_nums?: number;
  error_handle_mode?: 'terminated' | 'continue-on-error' | 'remove-abnormal-output';
}

interface LoopData {
  loop_count?: number;
  break_conditions?: Condition[];
  logical_operator?: 'and' | 'or';
  loop_variables?: Array<{ label: string; var_type?: string; value_type?: 'constant' | 'variable'; value?: unknown }>;
}

/** Dify's caps: parallel rounds of one iteration, and rounds of one loop. */
const MAX_PARALLEL = 10;
const MAX_LOOP_ROUNDS = 100;
const LEFT_OUT = Symbol('left out');

/**
 * `iteration`: its inside runs once per item of `iterator_selector` (reading `[iteration, item]`
 * and `[iteration, index]`), one round after another or several at once; `output` collects each
 * round's `output_selector`, in item order. A failed round ends the node, or (by
 * `error_handle_mode`) leaves a null, or leaves its item out.
 */
export const iterationNode: NodeExecutor = async ({ node, pool, signal, runChildren, emit }) => {
  const data = node.data as unknown as IterationData;
  const items = pool.get(data.iterator_selector ?? []);
  if (!Array.isArray(items)) throw new Error(`iterator_selector ${(data.iterator_selector ?? []).join('.')} is not a list`);
  emit({ type: 'container_started', node, inputs: { iterator_selector: items } });
  const results: unknown[] = new Array<unknown>(items.length);
  const round = async (index: number) => {
    const child = pool.fork();
    child.set(node.id, { item: items[index], index });
    emit({ type: 'container_next', node, round: index });
    const outcome = await runChildren(child, index, signal);
    if (outcome.status === 'failed') {
      if (data.error_handle_mode === 'continue-on-error') results[index] = null;
      else if (data.error_handle_mode === 'remove-abnormal-output') results[index] = LEFT_OUT;
      else throw new Error(`round ${index + 1}: ${outcome.error ?? 'failed'}`);
      return;
    }
    results[index] = child.get(data.output_selector ?? []) ?? null;
  };
  if (data.is_parallel) {
    const width = Math.min(Math.max(Math.trunc(data.parallel_nums ?? MAX_PARALLEL), 1), MAX_PARALLEL);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(width, items.length) }, async () => {
        while (next < items.length && !signal.aborted) await round(next++);
      }),
    );
  } else {
    for (let index = 0; index < items.length && !signal.aborted; index += 1) await round(index);
  }
  return { inputs: { iterator_selector: items }, outputs: { output: results.filter((r) => r !== LEFT_OUT) } };
};

/**
 * `loop`: its inside runs round after round (reading `[loop, index]` and the loop variables, which
 * assigner nodes inside change) until a break condition holds, a `loop-end` node runs, or
 * `loop_count` rounds are done. Outputs the loop variables as they end, and the rounds run.
 */
export const loopNode: NodeExecutor = async ({ node, pool, signal, runChildren, emit }) => {
  const data = node.data as unknown as LoopData;
  const rounds = Math.min(Math.max(Math.trunc(data.loop_count ?? 1), 1), MAX_LOOP_ROUNDS);
  const variables: Record<string, unknown> = {};
  for (const v of data.loop_variables ?? []) {
    variables[v.label] =
      v.value_type === 'variable' && Array.isArray(v.value) ? (pool.get(v.value as string[]) ?? null) : constant(v.value, v.var_type);
  }
  const scope: Record<string, unknown> = { ...variables, index: 0 };
  const conditions = data.break_conditions ?? [];
  emit({ type: 'container_started', node, inputs: { loop_count: rounds, ...variables } });
  let done = 0;
  for (let round = 0; round < rounds && !signal.aborted; round += 1) {
    const child = pool.fork();
    child.set(node.id, scope);
    if (conditions.length > 0 && conditionsHold(conditions, data.logical_operator, child)) break;
    scope['index'] = round;
    emit({ type: 'container_next', node, round });
    const outcome = await runChildren(child, round, signal);
    if (outcome.status === 'failed') throw new Error(`round ${round + 1}: ${outcome.error ?? 'failed'}`);
    done += 1;
    if (outcome.ran.includes('loop-end')) break;
  }
  const { index: _index, ...finalValues } = scope;
  return { inputs: { loop_count: rounds }, outputs: { ...finalValues, loop_round: done } };
};

function constant(value: unknown, type: string | undefined): unknown {
  if (type === 'number') return Number(value ?? 0);
  if (type === 'boolean') return value === true || value === 'true';
  if (type?.startsWith('array') || type === 'object') {
    if (typeof value !== 'string') return value ?? (type === 'object' ? {} : []);
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return type === 'object' ? {} : [];
    }
  }
  return value ?? '';
}

/** The start of a container's inside (`iteration-start`, `loop-start`) and a loop's break (`loop-end`): markers that pass nothing on. */
export const markerNode: NodeExecutor = async () => ({ outputs: {} });
