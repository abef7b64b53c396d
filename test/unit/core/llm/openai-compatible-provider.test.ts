import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmError, type ChatStreamEvent } from '../../../../internal/core/llm/llm-types.js';
import { OpenAiCompatibleProvider } from '../../../../internal/core/llm/openai-compatible-provider.js';
import { retryBeforeFirstEvent } from '../../../../internal/core/llm/retry.js';
import { FAKE_API_KEY, FakeOpenAiServer, fakeEmbedding } from '../../../fixtures/fake-openai-server.js';

describe('OpenAI-compatible provider against the fake upstream', () => {
  let upstream: FakeOpenAiServer;
  let provider: OpenAiCompatibleProvider;
  beforeAll(async () => {
    upstream = await new FakeOpenAiServer().start();
    provider = new OpenAiCompatibleProvider({ baseUrl: upstream.baseUrl, apiKey: FAKE_API_KEY, timeoutMs: 2000 });
  });
  afterAll(() => upstream.close());

  const collect = async (events: AsyncIterable<ChatStreamEvent>) => {
    const all: ChatStreamEvent[] = [];
    for await (const e of events) all.push(e);
    return all;
  };
  const ask = (content: string, extra = {}) => ({
    model: 'fake-chat',
    messages: [{ role: 'user' as const, content }],
    parameters: { temperature: 0.3 },
    ...extra,
  });

  it('streams text chunks, then usage and the finish reason', async () => {
    const events = await collect(provider.chatStream(ask('[[reply:one two three]][[chunk_delay:30]]')));
    expect(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text)).toEqual(['one ', 'two ', 'three']);
    expect(events.find((e) => e.type === 'usage')).toMatchObject({ usage: { completionTokens: 3 } });
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    expect(upstream.chatRequests().at(-1)!.body).toMatchObject({ model: 'fake-chat', stream: true, temperature: 0.3 });
  });

  it('passes on text that arrived together as one piece, in order, and keeps usage and the finish apart', async () => {
    const words = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
    const events = await collect(provider.chatStream(ask(`[[reply:${words}]]`)));
    const texts = events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text);
    expect(texts.join('')).toBe(words);
    // Written in one go by the upstream, the 200 chunks reach the client in far fewer reads.
    expect(texts.length).toBeLessThan(200);
    expect(events.find((e) => e.type === 'usage')).toMatchObject({ usage: { completionTokens: 200 } });
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('assembles a streamed tool call from its pieces', async () => {
    const tools = [
      { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
    ];
    const events = await collect(provider.chatStream(ask('[[tool:get_weather:{"city":"Paris"}]]', { tools })));
    expect(events.find((e) => e.type === 'tool_calls')).toEqual({
      type: 'tool_calls',
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
    });
    expect(upstream.chatRequests().at(-1)!.body.tools[0].function.name).toBe('get_weather');
  });

  it('answers a blocking call with text, tool calls and usage', async () => {
    const result = await provider.chat(ask('[[reply:blocking answer]]'));
    expect(result).toMatchObject({ text: 'blocking answer', toolCalls: [], finishReason: 'stop', usage: { completionTokens: 2 } });
    const tool = await provider.chat(ask('[[tool:lookup:{"q":1}]]'));
    expect(tool.toolCalls).toEqual([{ id: 'call_1', name: 'lookup', arguments: '{"q":1}' }]);
  });

  it('embeds many inputs in one call, in order', async () => {
    const before = upstream.requests.length;
    const vectors = await provider.embed('fake-embed', ['alpha', 'beta gamma']);
    expect(upstream.requests.length - before).toBe(1);
    expect(vectors).toEqual([fakeEmbedding('alpha'), fakeEmbedding('beta gamma')]);
  });

  it.each([
    [401, 'unauthorized'],
    [429, 'rate_limited'],
    [500, 'upstream'],
    [400, 'bad_request'],
  ])('classifies an upstream %i as %s', async (status, kind) => {
    const err = await collect(provider.chatStream(ask(`[[fail:${status}:1:classify-${status}]]`))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe(kind);
  });

  it('reports a wrong key as unauthorized', async () => {
    const wrong = new OpenAiCompatibleProvider({ baseUrl: upstream.baseUrl, apiKey: 'sk-wrong', timeoutMs: 2000 });
    await expect(wrong.chat(ask('hi'))).rejects.toMatchObject({
      kind: 'unauthorized',
      message: expect.stringContaining('Incorrect API key'),
    });
  });

  it('reports an unreachable base URL as a connection problem', async () => {
    const nowhere = new OpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'x', timeoutMs: 2000 });
    await expect(nowhere.chat(ask('hi'))).rejects.toMatchObject({ kind: 'connection' });
  });

  it('times out a slow first token', async () => {
    const impatient = new OpenAiCompatibleProvider({ baseUrl: upstream.baseUrl, apiKey: FAKE_API_KEY, timeoutMs: 200 });
    await expect(collect(impatient.chatStream(ask('[[first_delay:1000]]')))).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('times out a stream that stalls between chunks', async () => {
    const impatient = new OpenAiCompatibleProvider({ baseUrl: upstream.baseUrl, apiKey: FAKE_API_KEY, timeoutMs: 200 });
    await expect(collect(impatient.chatStream(ask('[[chunk_delay:600]] a b c')))).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('reports a stream cut mid-way as an error after the text that came', async () => {
    const texts: string[] = [];
    const err = await (async () => {
      for await (const e of provider.chatStream(ask('[[break_after:2]] one two three four'))) if (e.type === 'text') texts.push(e.text);
    })().catch((e: unknown) => e);
    expect(texts.join('')).toBe('Echo: one ');
    expect(err).toBeInstanceOf(LlmError);
  });

  it('stops the upstream request when the caller aborts', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const err = await (async () => {
      for await (const e of provider.chatStream(ask('[[chunk_delay:100]] abort-me b c d e f g h', { signal: controller.signal }))) {
        if (e.type === 'text') seen.push(e.text);
        if (seen.length === 2) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect((err as LlmError).kind).toBe('aborted');
    await new Promise((r) => setTimeout(r, 100));
    expect(upstream.findChat('abort-me')!.aborted).toBe(true);
  });

  it('retries 429 and 5xx before the first token, then succeeds', async () => {
    const events = await collect(
      retryBeforeFirstEvent(() => provider.chatStream(ask('[[fail:503:2:retry-ok]] [[reply:finally]]')), { retries: 2, baseDelayMs: 10 }),
    );
    expect(events.find((e) => e.type === 'text')).toEqual({ type: 'text', text: 'finally' });
  });

  it('gives up after the bounded retries, and never retries a 401', async () => {
    const policy = { retries: 2, baseDelayMs: 10 };
    const count = () => upstream.chatRequests().length;
    let before = count();
    await expect(collect(retryBeforeFirstEvent(() => provider.chatStream(ask('[[fail:500:9:retry-no]]')), policy))).rejects.toMatchObject({
      kind: 'upstream',
    });
    expect(count() - before).toBe(3);
    before = count();
    await expect(collect(retryBeforeFirstEvent(() => provider.chatStream(ask('[[fail:401:9:retry-401]]')), policy))).rejects.toMatchObject({
      kind: 'unauthorized',
    });
    expect(count() - before).toBe(1);
  });
});
