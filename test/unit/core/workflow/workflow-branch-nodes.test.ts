import { describe, expect, it } from 'vitest';
import { basicExecutors } from '../../../../internal/core/workflow/basic-nodes.js';
import { compare, ifElseNode, variableAggregatorNode } from '../../../../internal/core/workflow/branch-nodes.js';
import { runGraph, type EngineEvent } from '../../../../internal/core/workflow/engine.js';
import type { Graph } from '../../../../internal/core/workflow/graph.js';
import { VariablePool } from '../../../../internal/core/workflow/variable-pool.js';
import { graphEdge as edge, graphNode as node } from '../../../helpers/workflow-graph.js';

describe("Dify's comparison operators", () => {
  it.each([
    ['contains', 'hello world', 'world', true],
    ['contains', ['a', 'b'], 'b', true],
    ['contains', undefined, 'x', false],
    ['not contains', undefined, 'x', true],
    ['start with', 'Ann', 'A', true],
    ['end with', 'Ann', 'A', false],
    ['is', 3, '3', true],
    ['is not', 'a', 'b', true],
    ['empty', '', undefined, true],
    ['empty', [], undefined, true],
    ['not empty', { a: 1 }, undefined, true],
    ['null', null, undefined, true],
    ['not null', 0, undefined, true],
    ['in', 'b', ['a', 'b'], true],
    ['not in', 'c', ['a', 'b'], true],
    ['all of', ['a', 'b', 'c'], ['a', 'c'], true],
    ['all of', ['a'], ['a', 'c'], false],
    ['=', '10', 10, true],
    ['≠', 'x', 10, true],
    ['>', 11, '10', true],
    ['<', 9.5, 10, true],
    ['≥', 10, 10, true],
    ['≤', 11, 10, false],
    ['>', undefined, 10, false],
  ])('%s: %j against %j is %s', (operator, actual, expected, result) => {
    expect(compare(operator, actual, expected)).toBe(result);
  });

  it('refuses an operator it does not know', () => {
    expect(() => compare('sounds like', 'a', 'b')).toThrow('the comparison operator sounds like is not known');
  });
});

async function run(graph: Graph) {
  const events: EngineEvent[] = [];
  const executors = { ...basicExecutors({ name: 'Ann', age: 41 }), 'if-else': ifElseNode, 'variable-aggregator': variableAggregatorNode };
  for await (const e of runGraph(graph, new VariablePool(), {
    executors,
    maxSteps: 50,
    timeoutMs: 5000,
    signal: new AbortController().signal,
  })) {
    events.push(e);
  }
  return { ran: events.flatMap((e) => (e.type === 'node_started' ? [e.node.id] : [])), finished: events.at(-1)! };
}

/** start -> if-else (cases) -> one of x, y, z -> aggregator -> end. */
function branching(ifElse: Record<string, unknown>): Graph {
  return {
    nodes: [
      node('s', 'start'),
      node('c', 'if-else', ifElse),
      node('x', 'answer', { answer: 'x' }),
      node('y', 'answer', { answer: 'y' }),
      node('z', 'answer', { answer: 'z' }),
      node('agg', 'variable-aggregator', {
        variables: [
          ['x', 'answer'],
          ['y', 'answer'],
          ['z', 'answer'],
        ],
      }),
      node('e', 'end', { outputs: [{ variable: 'went', value_selector: ['agg', 'output'] }] }),
    ],
    edges: [
      edge('s', 'c'),
      edge('c', 'x', 'adult'),
      edge('c', 'y', 'named'),
      edge('c', 'z', 'false'),
      edge('x', 'agg'),
      edge('y', 'agg'),
      edge('z', 'agg'),
      edge('agg', 'e'),
    ],
  };
}

describe('if-else and variable aggregator nodes', () => {
  it('takes the first case that holds, and the aggregator passes on the branch that ran', async () => {
    const cases = (age: number) => ({
      cases: [
        {
          case_id: 'adult',
          logical_operator: 'and',
          conditions: [{ variable_selector: ['s', 'age'], comparison_operator: '≥', value: String(age) }],
        },
        {
          case_id: 'named',
          logical_operator: 'or',
          conditions: [
            { variable_selector: ['s', 'name'], comparison_operator: 'is', value: 'Bob' },
            { variable_selector: ['s', 'name'], comparison_operator: 'start with', value: '{{#s.name#}}' },
          ],
        },
      ],
    });
    expect(await run(branching(cases(18)))).toMatchObject({ ran: ['s', 'c', 'x', 'agg', 'e'], finished: { outputs: { went: 'x' } } });
    expect(await run(branching(cases(65)))).toMatchObject({ ran: ['s', 'c', 'y', 'agg', 'e'], finished: { outputs: { went: 'y' } } });
  });

  it('goes the false way when no case holds, and reads the older one-case shape', async () => {
    const older = branching({ logical_operator: 'and', conditions: [{ variable_selector: ['s', 'name'], comparison_operator: 'empty' }] });
    older.edges[1] = edge('c', 'x', 'true');
    expect(await run(older)).toMatchObject({ ran: ['s', 'c', 'z', 'agg', 'e'], finished: { status: 'succeeded', outputs: { went: 'z' } } });
  });
});
