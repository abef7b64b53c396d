import type { NodeExecutor } from './engine.js';

interface OutputSpec {
  variable: string;
  value_selector: string[];
}

/**
 * The nodes that only move values: `start` hands the run's inputs on, `end` gathers the workflow's
 * outputs from its selectors, `answer` renders its template (a chatflow's reply).
 */
export function basicExecutors(inputs: Record<string, unknown>): Record<string, NodeExecutor> {
  return {
    start: async () => ({ inputs, outputs: { ...inputs } }),
    end: async ({ node, pool }) => {
      const specs = (node.data['outputs'] ?? []) as OutputSpec[];
      const outputs = Object.fromEntries(specs.map((o) => [o.variable, pool.get(o.value_selector) ?? null]));
      return { inputs: outputs, outputs };
    },
    // What of it is sent as the reply, and when, is the chatflow's to decide (see AnswerStream).
    answer: async ({ node, pool }) => ({ outputs: { answer: pool.render(String(node.data['answer'] ?? '')) } }),
  };
}
