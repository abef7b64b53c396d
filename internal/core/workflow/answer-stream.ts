import type { Graph, GraphNode } from './graph.js';
import { TEMPLATE_REFERENCE } from './graph.js';

type Part = { text: string } | { selector: string };

interface AnswerState {
  parts: Part[];
  /** Per feeding LLM: variables known before it starts (the run's own, its upstream nodes'), which may go out ahead of its tokens. */
  known: Map<string, Set<string>>;
  /** Parts already sent: text parts whole, the LLM part as its tokens came. */
  next: number;
  sent: string;
  /** LLM nodes whose tokens may flow into this answer before it runs: no branch between them and it. */
  feeders: Set<string>;
}

const BRANCHING = new Set(['if-else', 'question-classifier']);

/** Node types whose `text` streams token by token as the model writes it. */
export const TOKEN_STREAMING_TYPES: ReadonlySet<string> = new Set(['llm', 'agent']);
/**
 * A chatflow's reply as it forms: each answer node's template, in order, with the tokens of an LLM
 * it shows (`{{#llm.text#}}`) sent as they come, and text before them sent when the first of them
 * arrives, as Dify streams answers. Tokens flow early only from an LLM whose every path to the answer
 * passes no branch (so they cannot belong to an answer that will not run); the rest of an answer is
 * sent when its node runs.
 */
export class AnswerStream {
  private readonly answers = new Map<string, AnswerState>();
  private resolve: (selector: string[]) => string = () => '';

  /** Where the variables ahead of an LLM's tokens are read from (the run's pool). */
  readFrom(resolve: (selector: string[]) => string): void {
    this.resolve = resolve;
  }

  constructor(graph: Graph) {
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const previous = new Map<string, string[]>();
    for (const e of graph.edges) previous.set(e.target, [...(previous.get(e.target) ?? []), e.source]);
    for (const node of graph.nodes) {
      if (node.data.type !== 'answer' || node.parentId) continue;
      const template = String(node.data['answer'] ?? '');
      const parts: Part[] = [];
      let at = 0;
      for (const match of template.matchAll(TEMPLATE_REFERENCE)) {
        if (match.index > at) parts.push({ text: template.slice(at, match.index) });
        parts.push({ selector: match[1]! });
        at = match.index + match[0].length;
      }
      if (at < template.length) parts.push({ text: template.slice(at) });
      const feeders = new Set<string>();
      const known = new Map<string, Set<string>>();
      for (const part of parts) {
        if (!('selector' in part)) continue;
        const [source, name] = part.selector.split('.');
        const llm = byId.get(source!);
        if (llm && TOKEN_STREAMING_TYPES.has(llm.data.type) && name === 'text' && unbranched(llm, node, previous, byId)) {
          feeders.add(llm.id);
          known.set(llm.id, new Set(['sys', 'env', ...upstream(llm.id, previous)]));
        }
      }
      this.answers.set(node.id, { parts, known, next: 0, sent: '', feeders });
    }
  }

  /** Tokens of an LLM node: what to send now (empty when no answer shows them yet). */
  chunk(llmId: string, text: string): string {
    let out = '';
    for (const state of this.answers.values()) {
      if (!state.feeders.has(llmId)) continue;
      // Text and known variables before the LLM's part go out with its first tokens.
      const known = state.known.get(llmId)!;
      let at = state.next;
      let lead = '';
      for (let part = state.parts[at]; part; part = state.parts[at]) {
        if ('text' in part) lead += part.text;
        else if (known.has(part.selector.split('.')[0]!)) lead += this.resolve(part.selector.split('.'));
        else break;
        at += 1;
      }
      const part = state.parts[at];
      if (!part || !('selector' in part) || part.selector !== `${llmId}.text`) continue;
      state.next = at;
      state.sent += lead + text;
      out += lead + text;
    }
    return out;
  }

  /** The answer node ran with this text: what of it has not been sent yet. */
  finish(answerId: string, answer: string): string {
    const state = this.answers.get(answerId);
    if (!state) return answer;
    const rest = answer.startsWith(state.sent) ? answer.slice(state.sent.length) : answer;
    state.sent = answer;
    state.next = state.parts.length;
    return rest;
  }
}

/** Whether `from` leads to `to` with no branching node between them (and `from` itself has no failure branch). */
function unbranched(
  from: GraphNode,
  to: GraphNode,
  previous: ReadonlyMap<string, string[]>,
  byId: ReadonlyMap<string, GraphNode>,
): boolean {
  if (from.data['error_strategy'] === 'fail-branch') return false;
  const seen = new Set<string>();
  const stack = [...(previous.get(to.id) ?? [])];
  let reached = false;
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === from.id) {
      reached = true;
      continue;
    }
    if (seen.has(id)) continue;
    seen.add(id);
    const node = byId.get(id);
    if (!node) continue;
    const ancestors = previous.get(id) ?? [];
    if (BRANCHING.has(node.data.type) || node.data['error_strategy'] === 'fail-branch') {
      // A branch between the LLM and the answer: only fine if the LLM is not behind it.
      if (reaches(from.id, id, previous)) return false;
    }
    stack.push(...ancestors);
  }
  return reached;
}

/** Every node that runs before this one on some path. */
function upstream(id: string, previous: ReadonlyMap<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...(previous.get(id) ?? [])];
  while (stack.length > 0) {
    const at = stack.pop()!;
    if (seen.has(at)) continue;
    seen.add(at);
    stack.push(...(previous.get(at) ?? []));
  }
  return seen;
}

function reaches(target: string, from: string, previous: ReadonlyMap<string, string[]>): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(previous.get(id) ?? []));
  }
  return false;
}
