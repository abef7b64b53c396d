import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinTool } from '../../../../internal/core/tools/builtin-catalog.js';
import type { ToolContext } from '../../../../internal/core/tools/tool-types.js';
import { createSafeFetch } from '../../../../internal/lib/ssrf-fetch.js';

/** The built-in tools against a local fake of each service they call, through the guarded fetch. */
describe('built-in tools', () => {
  let fake: Server;
  let base = '';
  let lastRequest: { method: string; url: string; body: string; type: string } | undefined;
  let ctx: ToolContext;
  const saved: Array<{ data: Buffer; filename: string }> = [];

  const run = (provider: string, tool: string, args: Record<string, unknown>) => builtinTool(provider, tool)!.tool.invoke(args, ctx);

  beforeAll(async () => {
    fake = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      lastRequest = { method: req.method!, url: req.url!, body, type: req.headers['content-type'] ?? '' };
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/v1/images/generations') {
        res.setHeader('content-type', 'application/json');
        if (req.headers.authorization !== 'Bearer sk-draw') {
          res.statusCode = 401;
          return res.end('{"error":{"message":"Incorrect API key provided"}}');
        }
        return res.end(JSON.stringify({ data: [{ b64_json: Buffer.from('PNGBYTES').toString('base64'), revised_prompt: 'A red fox.' }] }));
      }
      if (url.pathname === '/w/api.php') {
        res.setHeader('content-type', 'application/json');
        if (url.searchParams.get('gsrsearch') === 'nothing') return res.end('{"batchcomplete":""}');
        return res.end(
          JSON.stringify({
            query: {
              pages: {
                '2': { title: 'Second', index: 2, extract: 'The second article.' },
                '1': { title: 'First', index: 1, extract: 'The first article.' },
              },
            },
          }),
        );
      }
      if (url.pathname === '/html/') {
        res.setHeader('content-type', 'text/html');
        return res.end(`<div class="result"><a class="result__a" href="//duckduckgo.com/l/?uddg=https%3A%2F%2Fexample.com%2Fa">Result A</a>
          <a class="result__snippet">Snippet of A</a></div>
          <div class="result"><a class="result__a" href="https://example.org/b">Result B</a><div class="result__snippet">Snippet B</div></div>`);
      }
      if (url.pathname === '/json') {
        res.setHeader('content-type', 'application/json');
        return res.end('{"ok":true}');
      }
      res.statusCode = 404;
      res.end('nothing here');
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(fake.address() as AddressInfo).port}`;
    base = `http://${host}`;
    ctx = {
      fetch: createSafeFetch({ allowHosts: [host], timeoutMs: 2000, maxBytes: 100_000 }),
      signal: new AbortController().signal,
      settings: { wikipediaApiUrl: `${base}/w/api.php`, duckduckgoUrl: `${base}/html/` },
      credentials: {},
      saveImage: async (data, filename) => {
        saved.push({ data, filename });
        return `file-${saved.length}`;
      },
    };
  });
  afterAll(async () => {
    fake.closeAllConnections();
    await new Promise((r) => fake.close(r));
  });

  it('time: the current time in a zone, conversions across zones and DST, clear errors', async () => {
    expect(await run('time', 'current_time', {})).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+day \(UTC\)$/);
    const convert = (current_time: string, current_timezone: string, target_timezone: string) =>
      run('time', 'timezone_conversion', { current_time, current_timezone, target_timezone });
    expect(await convert('2026-01-15 09:30:00', 'Asia/Shanghai', 'UTC')).toBe('2026-01-15 01:30:00 (UTC)');
    expect(await convert('2026-07-01 12:00:00', 'America/New_York', 'Europe/London')).toBe('2026-07-01 17:00:00 (Europe/London)');
    expect(await convert('2026-01-01 12:00', 'America/New_York', 'Asia/Tokyo')).toBe('2026-01-02 02:00:00 (Asia/Tokyo)');
    await expect(convert('2026-01-01 12:00:00', 'Mars/Olympus', 'UTC')).rejects.toThrow(/unknown time zone "Mars\/Olympus"/);
    await expect(convert('tomorrow', 'UTC', 'UTC')).rejects.toThrow(/not a time in the form/);
  });

  it('math: arithmetic with functions and constants; no assignments, matrices, units or code', async () => {
    expect(await run('math', 'calculator', { expression: '(3 + 4.5) * 2 ^ 3 / sqrt(16)' })).toBe('15');
    expect(await run('math', 'calculator', { expression: 'round(pi * 100) / 100 + 5! + 10 % 3' })).toBe('124.14');
    for (const expression of ['x = 5', 'ones(5000, 5000)', 'import({})', '5 cm', 'evaluate("1")', 'f(x) = x']) {
      await expect(run('math', 'calculator', { expression })).rejects.toThrow(/not plain arithmetic|unknown name/);
    }
    await expect(run('math', 'calculator', {})).rejects.toThrow(/"expression" is required/);
  });

  it('webscraper and http: readable text, GET and POST with JSON, status in the observation', async () => {
    expect(await run('webscraper', 'webscraper', { url: `${base}/json` })).toBe('{"ok":true}');
    await expect(run('webscraper', 'webscraper', { url: `${base}/missing` })).rejects.toThrow(/answered 404/);
    expect(await run('http', 'http_request', { url: `${base}/missing` })).toBe('HTTP 404\nnothing here');
    expect(await run('http', 'http_request', { url: `${base}/json`, method: 'POST', body: '{"a":1}' })).toBe('HTTP 200\n{"ok":true}');
    expect(lastRequest).toMatchObject({ method: 'POST', body: '{"a":1}', type: 'application/json' });
    await expect(run('http', 'http_request', { url: `${base}/json`, method: 'DELETE' })).rejects.toThrow(/GET or POST/);
    await expect(run('http', 'http_request', { url: 'http://10.0.0.1/' })).rejects.toThrow(/^blocked: 10\.0\.0\.1 is a private address/);
  });

  it('dalle: draws through the images API with the credentials, keeps the image, and says what went wrong', async () => {
    const draw = (credentials: Record<string, string>, args: Record<string, unknown>) =>
      builtinTool('dalle', 'dalle_image')!.tool.invoke(args, { ...ctx, credentials });
    const args = { prompt: 'a fox', model: 'dall-e-3', size: '1024x1024', quality: 'hd' };
    await expect(draw({}, args)).rejects.toThrow(/no key for DALL·E/);
    const out = await draw({ api_key: 'sk-draw', base_url: `${base}/v1/` }, args);
    expect(out).toEqual({ text: expect.stringContaining('The prompt as drawn: A red fox.'), files: ['file-1'] });
    expect(saved[0]!.data.toString()).toBe('PNGBYTES');
    expect(JSON.parse(lastRequest!.body)).toEqual({
      model: 'dall-e-3',
      prompt: 'a fox',
      n: 1,
      size: '1024x1024',
      response_format: 'b64_json',
      quality: 'hd',
    });
    await expect(draw({ api_key: 'sk-wrong', base_url: `${base}/v1` }, args)).rejects.toThrow(
      'the images API answered 401: Incorrect API key provided',
    );
    // dall-e-2 takes no quality.
    await draw({ api_key: 'sk-draw', base_url: `${base}/v1` }, { ...args, model: 'dall-e-2', size: '512x512' });
    expect(JSON.parse(lastRequest!.body)).not.toHaveProperty('quality');
  });

  it('wikipedia and duckduckgo: results in rank order from the configured endpoints', async () => {
    expect(await run('wikipedia', 'wikipedia_search', { query: 'articles' })).toBe(
      'First\nThe first article.\n\nSecond\nThe second article.',
    );
    expect(lastRequest!.url).toContain('gsrsearch=articles');
    expect(await run('wikipedia', 'wikipedia_search', { query: 'nothing' })).toBe('No Wikipedia article matches.');
    const results = await run('duckduckgo', 'duckduckgo_search', { query: 'llm ops', max_results: 5 });
    expect(results).toBe('1. Result A\nhttps://example.com/a\nSnippet of A\n\n2. Result B\nhttps://example.org/b\nSnippet B');
    expect(lastRequest!.url).toBe('/html/?q=llm+ops');
  });
});
