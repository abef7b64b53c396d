import { describe, expect, it } from 'vitest';
import { AnswerStream } from '../../../../internal/core/workflow/answer-stream.js';
import type { GraphNode } from '../../../../internal/core/workflow/graph.js';
import { graphEdge as edge, graphNode as node } from '../../../helpers/workflow-graph.js';

const values: Record<string, string> = { 's.name': 'Ann', 'sys.query': 'hi', 'later.x': 'X' };

function stream(nodes: GraphNode[], edges: ReturnType<typeof edge>[]) {
  const answers = new AnswerStream({ nodes, edges });
  answers.readFrom((selector) => values[selector.join('.')] ?? '');
  return answers;
}

describe('a chatflow answer as it forms', () => {
  it('sends the text and known variables ahead of the LLM part with its first token, then tokens, then the rest when the answer runs', () => {
    const answers = stream(
      [
        node('s', 'start'),
        node('llm', 'llm'),
        node('later', 'code'),
        node('a', 'answer', { answer: 'To {{#s.name#}}: {{#llm.text#}} [{{#later.x#}}]' }),
      ],
      [edge('s', 'llm'), edge('llm', 'later'), edge('later', 'a')],
    );
    expect(answers.chunk('llm', 'Hel')).toBe('To Ann: Hel');
    expect(answers.chunk('llm', 'lo')).toBe('lo');
    expect(answers.finish('a', 'To Ann: Hello [X]')).toBe(' [X]');
  });

  it('holds back a variable made after the LLM, and tokens of an LLM the answer does not show', () => {
    const answers = stream(
      [node('s', 'start'), node('llm', 'llm'), node('later', 'code'), node('a', 'answer', { answer: '{{#later.x#}} then {{#llm.text#}}' })],
      [edge('s', 'llm'), edge('llm', 'later'), edge('later', 'a')],
    );
    expect(answers.chunk('llm', 'tok')).toBe('');
    expect(answers.chunk('other', 'tok')).toBe('');
    expect(answers.finish('a', 'X then tok')).toBe('X then tok');
  });

  it('sends nothing early past a branch or a failure branch', () => {
    const branched = stream(
      [node('s', 'start'), node('llm', 'llm'), node('if', 'if-else'), node('a', 'answer', { answer: '{{#llm.text#}}' })],
      [edge('s', 'llm'), edge('llm', 'if'), edge('if', 'a', 'true')],
    );
    expect(branched.chunk('llm', 'x')).toBe('');
    const failing = stream(
      [node('s', 'start'), node('llm', 'llm', { error_strategy: 'fail-branch' }), node('a', 'answer', { answer: '{{#llm.text#}}' })],
      [edge('s', 'llm'), edge('llm', 'a')],
    );
    expect(failing.chunk('llm', 'x')).toBe('');
    // A branch before the LLM does not matter: once the LLM runs, its answer will too.
    const before = stream(
      [node('s', 'start'), node('if', 'if-else'), node('llm', 'llm'), node('a', 'answer', { answer: '{{#llm.text#}}' })],
      [edge('s', 'if'), edge('if', 'llm', 'true'), edge('llm', 'a')],
    );
    expect(before.chunk('llm', 'x')).toBe('x');
  });
});
