import type { NodeExecutor } from './engine.js';

interface OutputSpec {
  variable: string;
  value_selector: string[];
}

/**
 * The nodes that only move values: `start` hands the run's inputs on, `end` gathers the workflow's
 * outputs from its selectors, `answer` streams its rendered template (a chatflow's reply).
 */
export function basicExecutors(inputs: Record<string, unknown>): Record<string, NodeExecutor> {
  return {
    start: async () => ({ inputs, outputs: { ...inputs } }),
    end: async ({ node, pool }) => {
      const specs = (node.data['outputs'] ?? []) as OutputSpec[];
      const outputs = Object.fromEntries(specs.map((o) => [o.variable, pool.get(o.value_selector) ?? null]));
      return { inputs: outputs, outputs };
    },
    answer: async ({ node, pool, stream }) => {
      const answer = pool.render(String(node.data['answer'] ?? ''));
      if (answer) stream(answer);
      return { outputs: { answer } };
    },
  };
}
