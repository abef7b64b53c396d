import { clipObservation as clip, stringArg, ToolInputError, type BuiltinProvider, type ToolContext } from '../tool-types.js';

const prepareHtml = () => import('../../extract/html-text.js').then(() => undefined);

/** A page's readable text; other answers (JSON, plain text) as they are. The HTML parser loads with the first page, not at start-up. */
async function readable(body: string, contentType: string): Promise<string> {
  if (!/html/i.test(contentType)) return body;
  const { extractHtmlText } = await import('../../extract/html-text.js');
  return extractHtmlText(body, ['nav', 'footer']);
}

async function getText(ctx: ToolContext, url: string): Promise<{ text: string; type: string }> {
  const res = await ctx.fetch(url, { signal: ctx.signal, headers: { 'user-agent': 'LLMOps-Tools/1.0', accept: '*/*' } });
  if (res.status >= 400) throw new Error(`${new URL(res.url).host} answered ${res.status}`);
  return { text: res.text(), type: res.headers['content-type'] ?? '' };
}

const icon = (colour: string, path: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="${colour}" stroke-width="2">${path}</svg>`;

export const webscraperProvider: BuiltinProvider = {
  name: 'webscraper',
  label: { en_US: 'Web scraper', zh_Hans: '网页爬虫' },
  description: { en_US: 'Reads a web page as plain text.', zh_Hans: '读取网页的正文文本。' },
  category: 'productivity',
  background: '#DCFCE7',
  icon: icon('#16a34a', '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18"/>'),
  tools: [
    {
      name: 'webscraper',
      label: { en_US: 'Read a web page', zh_Hans: '读取网页' },
      description: { en_US: 'Fetches a page and returns its readable text.', zh_Hans: '抓取网页并返回可读文本。' },
      inputs: [
        {
          name: 'url',
          type: 'string',
          required: true,
          label: { en_US: 'URL', zh_Hans: '网址' },
          description: 'The http(s) address of the page to read.',
        },
      ],
      params: [],
      prepare: prepareHtml,
      async invoke(args, ctx) {
        const { text, type } = await getText(ctx, stringArg(args, 'url'));
        return clip(await readable(text, type)) || '(the page has no text)';
      },
    },
  ],
};

export const wikipediaProvider: BuiltinProvider = {
  name: 'wikipedia',
  label: { en_US: 'Wikipedia', zh_Hans: '维基百科' },
  description: { en_US: 'Searches Wikipedia and reads the summaries.', zh_Hans: '搜索维基百科并读取摘要。' },
  category: 'search',
  background: '#F1F5F9',
  icon: icon('#334155', '<path d="M3 6l5 13 4-9 4 9 5-13"/>'),
  tools: [
    {
      name: 'wikipedia_search',
      label: { en_US: 'Wikipedia search', zh_Hans: '维基百科搜索' },
      description: { en_US: 'The summaries of the best-matching articles.', zh_Hans: '返回最匹配词条的摘要。' },
      inputs: [
        {
          name: 'query',
          type: 'string',
          required: true,
          label: { en_US: 'Query', zh_Hans: '查询' },
          description: 'What to look up on Wikipedia.',
        },
      ],
      params: [],
      async invoke(args, ctx) {
        const url = new URL(ctx.settings.wikipediaApiUrl);
        const query = { action: 'query', format: 'json', generator: 'search', gsrsearch: stringArg(args, 'query'), gsrlimit: '3' };
        Object.entries({ ...query, prop: 'extracts', exintro: '1', explaintext: '1', exlimit: '3' }).forEach(([k, v]) =>
          url.searchParams.set(k, v),
        );
        const { text } = await getText(ctx, url.href);
        let pages: Array<{ title: string; index?: number; extract?: string }>;
        try {
          pages = Object.values((JSON.parse(text) as { query?: { pages?: Record<string, never> } }).query?.pages ?? {});
        } catch {
          throw new Error('Wikipedia answered something that is not JSON');
        }
        if (pages.length === 0) return 'No Wikipedia article matches.';
        pages.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
        return clip(pages.map((p) => `${p.title}\n${(p.extract ?? '').trim()}`).join('\n\n'));
      },
    },
  ],
};

export const duckduckgoProvider: BuiltinProvider = {
  name: 'duckduckgo',
  label: { en_US: 'DuckDuckGo', zh_Hans: 'DuckDuckGo' },
  description: { en_US: 'Web search without an API key.', zh_Hans: '无需密钥的网页搜索。' },
  category: 'search',
  background: '#FFEDD5',
  icon: icon('#ea580c', '<circle cx="11" cy="11" r="7"/><path d="M20 20l-4-4"/>'),
  tools: [
    {
      name: 'duckduckgo_search',
      label: { en_US: 'DuckDuckGo search', zh_Hans: 'DuckDuckGo 搜索' },
      description: { en_US: 'Titles, links and snippets of the top results.', zh_Hans: '返回前几条结果的标题、链接和摘要。' },
      inputs: [
        {
          name: 'query',
          type: 'string',
          required: true,
          label: { en_US: 'Query', zh_Hans: '查询' },
          description: 'The search terms.',
        },
      ],
      params: [
        {
          name: 'max_results',
          type: 'number',
          required: false,
          default: 5,
          label: { en_US: 'Results', zh_Hans: '结果数' },
          description: 'How many results to return (1-10).',
        },
      ],
      prepare: () => import('node-html-parser').then(() => undefined),
      async invoke(args, ctx) {
        const url = new URL(ctx.settings.duckduckgoUrl);
        url.searchParams.set('q', stringArg(args, 'query'));
        const limit = Math.min(10, Math.max(1, Number(args.max_results ?? 5) || 5));
        const { text } = await getText(ctx, url.href);
        const { parse } = await import('node-html-parser');
        const results = parse(text)
          .querySelectorAll('.result')
          .map((r) => ({
            title: r.querySelector('.result__a')?.text.trim() ?? '',
            link: r.querySelector('.result__a')?.getAttribute('href') ?? '',
            snippet: r.querySelector('.result__snippet')?.text.trim() ?? '',
          }))
          .filter((r) => r.title)
          .slice(0, limit);
        if (results.length === 0) return 'No results.';
        return clip(results.map((r, i) => `${i + 1}. ${r.title}\n${resultLink(r.link)}\n${r.snippet}`).join('\n\n'));
      },
    },
  ],
};

/** DuckDuckGo's HTML links go through its redirector; the target is in `uddg`. */
function resultLink(href: string): string {
  try {
    return new URL(href, 'https://duckduckgo.com').searchParams.get('uddg') ?? href;
  } catch {
    return href;
  }
}

export const httpProvider: BuiltinProvider = {
  name: 'http',
  label: { en_US: 'HTTP request', zh_Hans: 'HTTP 请求' },
  description: { en_US: 'Calls an HTTP API with GET or POST.', zh_Hans: '用 GET 或 POST 调用 HTTP 接口。' },
  category: 'productivity',
  background: '#E0F2FE',
  icon: icon('#0284c7', '<path d="M4 12h16M14 6l6 6-6 6"/>'),
  tools: [
    {
      name: 'http_request',
      label: { en_US: 'HTTP request', zh_Hans: 'HTTP 请求' },
      description: { en_US: 'Sends a GET or POST and returns the status and body.', zh_Hans: '发送 GET 或 POST，返回状态码与响应体。' },
      inputs: [
        { name: 'url', type: 'string', required: true, label: { en_US: 'URL', zh_Hans: '网址' }, description: 'The http(s) address.' },
        {
          name: 'method',
          type: 'select',
          options: ['GET', 'POST'],
          required: false,
          label: { en_US: 'Method', zh_Hans: '方法' },
          description: 'GET (default) or POST.',
        },
        {
          name: 'body',
          type: 'string',
          required: false,
          label: { en_US: 'Body', zh_Hans: '请求体' },
          description: 'For POST: the body; sent as JSON when it parses as JSON, else as text.',
        },
      ],
      params: [],
      prepare: prepareHtml,
      async invoke(args, ctx) {
        const method = (stringArg(args, 'method', false) || 'GET').toUpperCase();
        if (method !== 'GET' && method !== 'POST') throw new ToolInputError('method must be GET or POST');
        const body = method === 'POST' ? stringArg(args, 'body', false) : '';
        let json = false;
        try {
          JSON.parse(body);
          json = true;
        } catch {
          // plain text
        }
        const res = await ctx.fetch(stringArg(args, 'url'), {
          method,
          signal: ctx.signal,
          headers: { 'user-agent': 'LLMOps-Tools/1.0', ...(body ? { 'content-type': json ? 'application/json' : 'text/plain' } : {}) },
          ...(body ? { body } : {}),
        });
        return clip(`HTTP ${res.status}\n${await readable(res.text(), res.headers['content-type'] ?? '')}`);
      },
    },
  ],
};
