import type { MathJsInstance, MathNode } from 'mathjs';
import { stringArg, ToolInputError, type BuiltinProvider } from '../tool-types.js';

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="#7c3aed" stroke-width="2"><rect x="4" y="3" width="16" height="18" rx="2"/><path d="M8 7h8M8 12h2M14 12h2M8 16h2M14 16h2"/></svg>`;

const FUNCTIONS = new Set([
  'abs',
  'sqrt',
  'cbrt',
  'exp',
  'log',
  'log10',
  'log2',
  'pow',
  'floor',
  'ceil',
  'round',
  'fix',
  'sign',
  'min',
  'max',
  'mod',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'atan2',
  'sinh',
  'cosh',
  'tanh',
  'factorial',
  'gcd',
  'lcm',
  'hypot',
]);
const OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'mod', 'unaryMinus', 'unaryPlus', 'factorial']);
const CONSTANTS = new Set(['pi', 'e', 'tau', 'phi', 'PI', 'E']);
const MAX_LENGTH = 1000;

let math: Promise<MathJsInstance> | undefined;
/**
 * mathjs (its numbers-only build) is slow to load: it loads when an agent with the
 * calculator starts (beside its first model call, see `prepare`), not at start-up.
 */
function loadMath(): Promise<MathJsInstance> {
  return (math ??= import('mathjs/number').then(({ create, all }) => create(all!) as unknown as MathJsInstance));
}

/**
 * Arithmetic only: the expression is parsed, and anything but numbers, arithmetic operators, the
 * listed functions and constants (assignments, matrices, units, function definitions, imports) is
 * refused before it is evaluated. Nothing goes through JavaScript's eval.
 */
export async function calculate(expression: string): Promise<string> {
  if (expression.length > MAX_LENGTH) throw new ToolInputError(`the expression is longer than ${MAX_LENGTH} characters`);
  const m = await loadMath();
  let tree: MathNode;
  try {
    tree = m.parse(expression);
  } catch (err) {
    throw new ToolInputError(`cannot read the expression: ${(err as Error).message}`);
  }
  tree.traverse((node, _path, parent) => {
    const n = node as MathNode & { fn?: { name?: string } | string; name?: string };
    if (node.type === 'ConstantNode' || node.type === 'ParenthesisNode') return;
    if (node.type === 'OperatorNode' && OPERATORS.has(String(n.fn))) return;
    if (node.type === 'FunctionNode' && typeof n.fn === 'object' && FUNCTIONS.has(n.fn.name ?? '')) return;
    if (node.type === 'SymbolNode') {
      if (parent?.type === 'FunctionNode' && (parent as unknown as { fn: MathNode }).fn === node) return;
      if (CONSTANTS.has(n.name ?? '')) return;
      throw new ToolInputError(`unknown name "${n.name}" (only numbers, + - * / ^ % !, and common functions)`);
    }
    throw new ToolInputError(`"${node.toString()}" is not plain arithmetic`);
  });
  const value: unknown = tree.compile().evaluate({});
  if (typeof value !== 'number') throw new ToolInputError('the expression does not give a number');
  return m.format(value, { precision: 14 });
}

export const mathProvider: BuiltinProvider = {
  name: 'math',
  label: { en_US: 'Math', zh_Hans: '数学' },
  description: { en_US: 'Exact arithmetic for the model.', zh_Hans: '为模型提供精确的算术计算。' },
  category: 'utilities',
  background: '#F3E8FF',
  icon: ICON,
  tools: [
    {
      name: 'calculator',
      label: { en_US: 'Calculator', zh_Hans: '计算器' },
      description: { en_US: 'Evaluates an arithmetic expression.', zh_Hans: '计算一个算术表达式。' },
      inputs: [
        {
          name: 'expression',
          type: 'string',
          required: true,
          label: { en_US: 'Expression', zh_Hans: '表达式' },
          description: 'An arithmetic expression such as (3 + 4.5) * 2 ^ 3 / sqrt(16); functions: sqrt, log, sin, round, min, max, ...',
        },
      ],
      params: [],
      prepare: async () => {
        await loadMath();
      },
      invoke: async (args) => calculate(stringArg(args, 'expression')),
    },
  ],
};
