import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { LlmError } from './llm-types.js';

/** What one event of a completion stream holds: the text of a chunk that carries only text, or the chunk itself. */
export type StreamedChunk = string | ChatCompletionChunk;

/**
 * Reads the `data` of a completion stream's events. The chunks of one answer differ, as a rule, only
 * in their text (`{"id":…,"choices":[{"index":0,"delta":{"content":"…"},…}]}`), so once a text chunk
 * has been parsed, the JSON around its text is kept, and a later chunk that starts and ends with
 * exactly that JSON is read by parsing only the string literal between: parsing each whole chunk
 * would be the main thread's largest cost under many streams. Anything else (another shape, a
 * tool call, the usage, the finish) is parsed whole, and a text chunk of a new shape is learnt.
 */
export class ChunkReader {
  private prefix = '';
  private suffix = '';

  /** The chunk, or undefined for an event that is not JSON; an upstream error sent in the stream is thrown. */
  read(data: string): StreamedChunk | undefined {
    const { prefix, suffix } = this;
    const end = data.length - suffix.length;
    // slice and === rather than startsWith/endsWith: V8 compares those char by char, far slower here.
    if (prefix && end > prefix.length && data.slice(0, prefix.length) === prefix && data.slice(end) === suffix) {
      const text = stringLiteral(data.slice(prefix.length, end));
      if (text !== undefined) return text;
    }
    const chunk = parseChunk(data);
    if (!chunk) return undefined;
    const text = plainText(chunk);
    if (text === undefined) return chunk;
    this.learn(data, text);
    return text;
  }

  /** Keeps the JSON around a text chunk's content, when the content can be found there for certain. */
  private learn(data: string, text: string): void {
    this.prefix = '';
    const literal = JSON.stringify(text);
    const key = data.indexOf('"content"');
    // One content key only, written as JSON.stringify writes its text (an upstream escaping otherwise is parsed whole).
    if (key < 0 || data.indexOf('"content"', key + 1) >= 0) return;
    let at = key + '"content"'.length;
    while (data[at] === ' ' || data[at] === ':') at++;
    if (!data.startsWith(literal, at)) return;
    const prefix = data.slice(0, at);
    const suffix = data.slice(at + literal.length);
    // The key found is the delta's: the same JSON with other text there parses to that text.
    if (plainText(parseChunk(`${prefix}"\\u0001"${suffix}`) ?? EMPTY) !== '\u0001') return;
    this.prefix = prefix;
    this.suffix = suffix;
  }
}

const EMPTY = { choices: [] } as unknown as ChatCompletionChunk;

/** A string literal without escapes (most tokens): its value is what stands between the quotes. */
// eslint-disable-next-line no-control-regex -- JSON strings may not hold raw control characters: they must fail this.
const PLAIN_LITERAL = /^"[^"\\\u0000-\u001f]*"$/;

/** The value of one JSON string literal; undefined when the text is anything else. */
function stringLiteral(text: string): string | undefined {
  if (text.charCodeAt(0) !== 34 || text.charCodeAt(text.length - 1) !== 34) return undefined;
  if (PLAIN_LITERAL.test(text)) return text.slice(1, -1);
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The text of a chunk that carries nothing else (no tool call, reasoning, finish or usage); undefined otherwise. */
function plainText(chunk: ChatCompletionChunk): string | undefined {
  if (chunk.usage || chunk.choices?.length !== 1) return undefined;
  const choice = chunk.choices[0]!;
  if (choice.finish_reason || choice.logprobs) return undefined;
  const delta = choice.delta;
  if (typeof delta.content !== 'string') return undefined;
  for (const key in delta) if (key !== 'content' && key !== 'role') return undefined;
  return delta.content;
}

function parseChunk(data: string): ChatCompletionChunk | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const error = (parsed as { error?: { message?: unknown } }).error;
  if (error) {
    throw new LlmError(
      'upstream',
      `the model provider failed mid-answer${typeof error.message === 'string' ? `: ${error.message.slice(0, 300)}` : ''}`,
    );
  }
  return parsed as ChatCompletionChunk;
}
