import type { SafeFetch } from '../../lib/ssrf-fetch.js';
import type { NodeExecutor } from './engine.js';
import type { VariablePool } from './variable-pool.js';

interface HttpNodeData {
  method?: string;
  url?: string;
  authorization?: {
    type?: 'no-auth' | 'api-key';
    config?: { type?: 'basic' | 'bearer' | 'custom'; api_key?: string; header?: string } | null;
  };
  headers?: string;
  params?: string;
  body?: { type?: string; data?: Array<{ key?: string; type?: string; value?: string }> | string } | null;
  timeout?: { connect?: number; read?: number; write?: number; max_read_timeout?: number } | null;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);
const TEXTUAL = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]*\+(json|xml)))|charset=/i;

/** Dify's `key:value` lines (headers, query parameters), each side rendered. */
function pairs(text: string | undefined, pool: VariablePool): Array<[string, string]> {
  return (text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes(':'))
    .map((line) => {
      const at = line.indexOf(':');
      return [pool.render(line.slice(0, at).trim()), pool.render(line.slice(at + 1).trim())] as [string, string];
    })
    .filter(([key]) => key !== '');
}

/**
 * `http-request`: Dify's method, URL, auth, `key:value` headers and params, body kinds and
 * timeouts, all with `{{#node.var#}}` rendered, sent through the SSRF guard. Any status is an answer
 * (the graph branches on `status_code`); a refused or failed request fails the node.
 */
export function httpRequestNode(fetch: SafeFetch, maxTimeoutMs: number): NodeExecutor {
  return async ({ node, pool, signal }) => {
    const data = node.data as unknown as HttpNodeData;
    const method = String(data.method ?? 'get').toLowerCase();
    if (!METHODS.has(method)) throw new Error(`method ${method} is not an HTTP method this node sends`);
    const url = new URL(pool.render(String(data.url ?? '')).trim());
    for (const [key, value] of pairs(data.params, pool)) url.searchParams.append(key, value);
    const headers: Record<string, string> = {};
    for (const [key, value] of pairs(data.headers, pool)) headers[key.toLowerCase()] = value;
    const auth = data.authorization;
    if (auth?.type === 'api-key' && auth.config) {
      const key = pool.render(auth.config.api_key ?? '');
      if (auth.config.type === 'bearer') headers['authorization'] = `Bearer ${key}`;
      else if (auth.config.type === 'basic')
        headers['authorization'] = `Basic ${key.includes(':') ? Buffer.from(key).toString('base64') : key}`;
      else headers[(auth.config.header || 'authorization').toLowerCase()] = key;
    }
    const body = bodyOf(data.body, pool, headers);
    const seconds = Math.max(data.timeout?.connect ?? 0, data.timeout?.read ?? 0, data.timeout?.write ?? 0);
    const timeoutMs = Math.min(seconds > 0 ? seconds * 1000 : maxTimeoutMs, maxTimeoutMs);
    const response = await fetch(url.href, {
      method: method.toUpperCase(),
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
    const type = response.headers['content-type'] ?? '';
    const textual = type === '' || TEXTUAL.test(type);
    return {
      inputs: { method, url: url.href },
      processData: { request: `${method.toUpperCase()} ${url.href}`, headers: Object.keys(headers) },
      outputs: {
        status_code: response.status,
        body: textual ? response.text() : '',
        headers: response.headers,
        files: [],
      },
    };
  };
}

function bodyOf(spec: HttpNodeData['body'], pool: VariablePool, headers: Record<string, string>): string | undefined {
  const type = spec?.type ?? 'none';
  if (type === 'none') return undefined;
  // Older files keep the body as one string.
  const items = typeof spec?.data === 'string' ? [{ key: '', type: 'text', value: spec.data }] : (spec?.data ?? []);
  if (items.some((item) => item.type === 'file') || type === 'binary') throw new Error('file bodies cannot be sent by this node yet');
  const setType = (value: string) => {
    headers['content-type'] ??= value;
  };
  switch (type) {
    case 'json':
      setType('application/json');
      return pool.render(items[0]?.value ?? '');
    case 'raw-text':
      setType('text/plain');
      return pool.render(items[0]?.value ?? '');
    case 'x-www-form-urlencoded':
      setType('application/x-www-form-urlencoded');
      return new URLSearchParams(
        items.filter((i) => i.key).map((i): [string, string] => [pool.render(i.key!), pool.render(i.value ?? '')]),
      ).toString();
    case 'form-data': {
      const boundary = `----llmops${crypto.randomUUID().replaceAll('-', '')}`;
      headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
      const parts = items
        .filter((i) => i.key)
        .map(
          (i) =>
            `--${boundary}\r\nContent-Disposition: form-data; name="${pool.render(i.key!).replace(/"/g, '%22')}"\r\n\r\n${pool.render(i.value ?? '')}\r\n`,
        );
      return `${parts.join('')}--${boundary}--\r\n`;
    }
    default:
      throw new Error(`body type ${type} is not one this node sends`);
  }
}
