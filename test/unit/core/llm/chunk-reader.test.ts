import { describe, expect, it } from 'vitest';
import { ChunkReader } from '../../../../internal/core/llm/chunk-reader.js';

const chunk = (delta: object, extra: object = {}) =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1764331234,
    model: 'm',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
    ...extra,
  });

describe('ChunkReader', () => {
  it('reads text chunks of one shape as their text, whatever the text holds', () => {
    const reader = new ChunkReader();
    const texts = ['Hello', ' wor"ld', '\\n', '\n', '你好 😀', '"}],"x":"', '', '</script>', '\u2028'];
    expect(texts.map((t) => reader.read(chunk({ content: t })))).toEqual(texts);
  });

  it('reads what only looks like the learnt shape in full', () => {
    const reader = new ChunkReader();
    reader.read(chunk({ content: 'a' }));
    // The same text around a literal that is not one string: another key after the text.
    for (const more of ['"refusal":"no"', '"tool_calls":[{"index":0}]']) {
      const sneaky = chunk({ content: 'a' }).replace('"content":"a"', `"content":"b",${more}`);
      const read = reader.read(sneaky);
      expect(typeof read).toBe('object');
      expect(read).toMatchObject({ choices: [{ delta: { content: 'b' } }] });
    }
  });

  it('returns the chunk itself when it carries more than text, and learns a new shape', () => {
    const reader = new ChunkReader();
    expect(reader.read(chunk({ role: 'assistant', content: '' }))).toBe('');
    expect(reader.read(chunk({ content: 'x' }))).toBe('x');
    const finish = JSON.stringify({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    expect(reader.read(finish)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    const usage = JSON.stringify({ id: 'c', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } });
    expect(reader.read(usage)).toMatchObject({ usage: { prompt_tokens: 3 } });
    // A second rolls over: another prefix, read whole once, then learnt.
    expect(reader.read(chunk({ content: 'y' }, { created: 1764331235 }))).toBe('y');
    expect(reader.read(chunk({ content: 'z' }, { created: 1764331235 }))).toBe('z');
  });

  it('reads upstreams that space their JSON or escape otherwise', () => {
    const reader = new ChunkReader();
    const spaced = (t: string) =>
      `{"id": "c", "choices": [{"index": 0, "delta": {"content": ${JSON.stringify(t)}}, "finish_reason": null}]}`;
    expect([spaced('a'), spaced('b c')].map((d) => reader.read(d))).toEqual(['a', 'b c']);
    const escaped = (t: string) => `{"choices":[{"index":0,"delta":{"content":"${t}"}}]}`;
    expect([escaped('\\u00e9t\\u00e9'), escaped('\\/x')].map((d) => reader.read(d))).toEqual(['été', '/x']);
  });

  it('skips data that is not JSON and throws an error sent mid-stream', () => {
    const reader = new ChunkReader();
    expect(reader.read('not json')).toBeUndefined();
    reader.read(chunk({ content: 'a' }));
    // A raw line break inside the text: not JSON, even in the learnt shape.
    expect(reader.read(chunk({ content: 'a' }).replace('"content":"a"', '"content":"a\nb"'))).toBeUndefined();
    expect(() => reader.read(JSON.stringify({ error: { message: 'overloaded' } }))).toThrow(/failed mid-answer: overloaded/);
  });
});
