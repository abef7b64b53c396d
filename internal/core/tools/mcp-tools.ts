import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { GuardedFetch } from '../../lib/ssrf-stream-fetch.js';
import { clipObservation } from './tool-types.js';

/** A tool an MCP server offers, as cached after a refresh. */
export interface McpToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface McpEndpoint {
  url: string;
  headers: Record<string, string>;
  fetch: GuardedFetch;
  timeoutMs: number;
}

function importClient() {
  return Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/sse.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
  ]).then(([client, sse, streamable]) => ({ ...client, ...sse, ...streamable }));
}
let clientSdk: ReturnType<typeof importClient> | undefined;

/** The SDK is loaded by the first MCP call, not at start-up (time and memory that most servers never need). */
function loadClient() {
  return (clientSdk ??= importClient());
}

/**
 * Connects with the Streamable HTTP transport, and falls back to the older HTTP+SSE one when the
 * server does not speak it (as the MCP specification advises clients to do). Both go through the
 * guarded fetch. The caller closes the client.
 */
async function connect(endpoint: McpEndpoint, signal?: AbortSignal): Promise<Client> {
  const { Client, SSEClientTransport, StreamableHTTPClientTransport } = await loadClient();
  const url = new URL(endpoint.url);
  const requestInit = { headers: endpoint.headers };
  const options = { timeout: endpoint.timeoutMs, ...(signal ? { signal } : {}) };
  const client = new Client({ name: 'llmops', version: '1.0.0' });
  try {
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit, fetch: endpoint.fetch }), options);
    return client;
  } catch (first) {
    await client.close().catch(() => undefined);
    if (signal?.aborted || (first instanceof Error && first.message.startsWith('blocked:'))) throw first;
    const legacy = new Client({ name: 'llmops', version: '1.0.0' });
    try {
      await legacy.connect(
        new SSEClientTransport(url, { requestInit, fetch: endpoint.fetch, eventSourceInit: { fetch: endpoint.fetch } }),
        options,
      );
      return legacy;
    } catch {
      await legacy.close().catch(() => undefined);
      throw first;
    }
  }
}

/** The server's tools (every page of them). */
export async function listMcpTools(endpoint: McpEndpoint): Promise<McpToolSpec[]> {
  const client = await connect(endpoint);
  try {
    const tools: McpToolSpec[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, { timeout: endpoint.timeoutMs });
      for (const t of page.tools) {
        tools.push({
          name: t.name,
          description: t.description ?? t.title ?? t.name,
          inputSchema: t.inputSchema as Record<string, unknown>,
        });
      }
      cursor = page.nextCursor;
    } while (cursor && tools.length < 500);
    return tools;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Calls one tool; its text content is the observation (a tool error says so). */
export async function callMcpTool(
  endpoint: McpEndpoint,
  name: string,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<string> {
  const client = await connect(endpoint, signal);
  try {
    const result = await client.callTool({ name, arguments: args }, undefined, { timeout: endpoint.timeoutMs, signal });
    const parts = ((result.content as Array<{ type: string; text?: string; mimeType?: string }> | undefined) ?? []).map((c) =>
      c.type === 'text' ? (c.text ?? '') : `[${c.type}${c.mimeType ? ` ${c.mimeType}` : ''}]`,
    );
    const structured = parts.length === 0 && result.structuredContent ? JSON.stringify(result.structuredContent) : '';
    const text = parts.join('\n') || structured;
    const clipped = clipObservation(text);
    return result.isError ? `error: ${clipped}` : clipped;
  } finally {
    await client.close().catch(() => undefined);
  }
}
