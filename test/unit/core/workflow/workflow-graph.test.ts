import { describe, expect, it } from 'vitest';
import { graphProblems, readGraph, selectorsOf, type Graph } from '../../../../internal/core/workflow/graph.js';
import { graphEdge as edge, graphNode } from '../../../helpers/workflow-graph.js';

/** Titled in capitals, so that a message shows whether it names a node by its title or its id. */
const node = (id: string, type: string, data: Record<string, unknown> = {}, parentId?: string) =>
  graphNode(id, type, { title: id.toUpperCase(), ...data }, parentId);

/** start -> template -> if-else -(true)-> end, -(false)-> end2; the end nodes read the template's output. */
function workflow(): Graph {
  return {
    nodes: [
      node('s', 'start', { variables: [{ variable: 'name', type: 'text-input' }] }),
      node('t', 'template-transform', { template: 'Hi {{ x }}', variables: [{ variable: 'x', value_selector: ['s', 'name'] }] }),
      node('c', 'if-else', {
        cases: [{ case_id: 'true', conditions: [{ variable_selector: ['t', 'output'], comparison_operator: 'contains', value: 'a' }] }],
      }),
      node('e', 'end', { outputs: [{ variable: 'out', value_selector: ['t', 'output'] }] }),
      node('e2', 'end', { outputs: [{ variable: 'out', value_selector: ['sys', 'user_id'] }] }),
    ],
    edges: [edge('s', 't'), edge('t', 'c'), edge('c', 'e', 'true'), edge('c', 'e2', 'false')],
  };
}

const messages = (graph: Graph, mode: 'workflow' | 'advanced-chat' = 'workflow') => graphProblems(graph, mode).map((p) => p.message);

describe('workflow graph checks', () => {
  it('passes a valid graph with branches', () => {
    expect(graphProblems(workflow(), 'workflow')).toEqual([]);
  });

  it('needs exactly one start, everything reachable from it, and an end (workflow) or answer (chatflow)', () => {
    const two = workflow();
    two.nodes.push(node('s2', 'start'));
    expect(messages(two)).toEqual(['the workflow needs exactly one start node, not 2']);

    const stray = workflow();
    stray.nodes.push(node('lost', 'template-transform'));
    expect(graphProblems(stray, 'workflow')).toEqual([
      { node: 'lost', field: 'edges', message: 'LOST (lost) cannot be reached from start' },
    ]);

    expect(messages(workflow(), 'advanced-chat')).toEqual(['a chatflow needs an answer node']);
  });

  it('refuses cycles, naming the nodes on one', () => {
    const looped = workflow();
    looped.edges.push(edge('c', 't', 'false'));
    expect(messages(looped)).toEqual(['a cycle runs through t -> c -> t; repeat with a loop or iteration node instead']);
  });

  it('checks every variable a node reads: from a node before it, a system variable of the mode, env, or conversation in chatflows', () => {
    const later = workflow();
    later.nodes[1]!.data['variables'] = [{ variable: 'x', value_selector: ['e', 'out'] }];
    expect(graphProblems(later, 'workflow')).toEqual([
      { node: 't', field: 'variables.0.value_selector', message: 'T (t) reads e.out from e, which does not run before it' },
    ]);

    const missing = workflow();
    missing.nodes[1]!.data['template'] = 'Hi {{#ghost.text#}} and {{#s.name#}}';
    expect(messages(missing)).toEqual(['T (t) reads ghost.text from ghost, which is not in the graph']);

    const system = workflow();
    system.nodes[3]!.data['outputs'] = [
      { variable: 'q', value_selector: ['sys', 'query'] },
      { variable: 'c', value_selector: ['conversation', 'topic'] },
      { variable: 'k', value_selector: ['env', 'API_KEY'] },
    ];
    expect(messages(system)).toEqual([
      'E (e) reads sys.query, which a workflow does not have',
      'E (e) reads conversation.topic; only chatflows have conversation variables',
    ]);
    // Both are fine in a chatflow (with an answer node).
    system.nodes.push(node('a', 'answer', { answer: '{{#sys.query#}} {{#conversation.topic#}}' }));
    system.edges.push(edge('t', 'a'));
    expect(graphProblems(system, 'advanced-chat')).toEqual([]);
  });

  it('checks iteration containers on their own: one iteration-start, item and outer variables readable, no edge across', () => {
    const graph = workflow();
    graph.nodes.push(
      node('it', 'iteration', { iterator_selector: ['s', 'name'], output_selector: ['ti', 'output'] }),
      node('is', 'iteration-start', {}, 'it'),
      node(
        'ti',
        'template-transform',
        {
          variables: [
            { variable: 'v', value_selector: ['it', 'item'] },
            { variable: 'n', value_selector: ['s', 'name'] },
          ],
        },
        'it',
      ),
    );
    graph.edges.push(edge('t', 'it'), edge('it', 'e'), edge('is', 'ti'));
    expect(graphProblems(graph, 'workflow')).toEqual([]);

    // Inside reads what runs after the container, outside reads a child: both refused; the container reads its children.
    const crossed = structuredClone(graph);
    crossed.nodes.find((n) => n.id === 'ti')!.data['template'] = '{{#e2.out#}}';
    crossed.nodes.find((n) => n.id === 'e')!.data['outputs'] = [{ variable: 'o', value_selector: ['ti', 'output'] }];
    expect(messages(crossed)).toEqual([
      'E (e) reads ti.output from ti, which does not run before it',
      'TI (ti) reads e2.out from e2, which does not run before it',
    ]);

    const across = structuredClone(graph);
    across.edges.push(edge('ti', 'e'));
    expect(messages(across)).toEqual(['the edge ti -> e crosses into or out of a container']);

    const noStart = structuredClone(graph);
    noStart.nodes = noStart.nodes.filter((n) => n.id !== 'is');
    noStart.edges = noStart.edges.filter((e) => e.source !== 'is');
    expect(messages(noStart)).toEqual(['IT (it) needs exactly one iteration-start node, not 0']);
  });

  it('reads the shape first: ids, types, edges to nodes that exist', () => {
    expect(readGraph({ nodes: {} }).problems).toEqual([{ field: 'graph', message: 'must be an object with nodes and edges arrays' }]);
    const { problems } = readGraph({
      nodes: [{ id: 'a', data: { type: 'start' } }, { id: 'a', data: { type: 'end' } }, { data: {} }],
      edges: [{ source: 'a', target: 'b' }],
    });
    expect(problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'graph.nodes.1.id: the id a is used twice',
      'graph.nodes.2: a node needs an id and data.type',
      'graph.edges.0.target: there is no node b',
    ]);
    expect(readGraph(workflow()).graph?.nodes).toHaveLength(5);
  });

  it('finds selectors wherever node data keeps them', () => {
    const found = selectorsOf({
      type: 'variable-aggregator',
      variables: [
        ['a', 'text'],
        ['b', 'text'],
      ],
      prompt_template: [{ role: 'system', text: 'Use {{#c.result.items#}}' }],
      query_variable_selector: ['d', 'q'],
      tool_parameters: { city: { type: 'variable', value: 'x' } },
      empty_selector: [],
    });
    expect(found).toEqual([
      { selector: ['a', 'text'], field: 'variables.0' },
      { selector: ['b', 'text'], field: 'variables.1' },
      { selector: ['c', 'result', 'items'], field: 'prompt_template.0.text' },
      { selector: ['d', 'q'], field: 'query_variable_selector' },
    ]);
  });
});
