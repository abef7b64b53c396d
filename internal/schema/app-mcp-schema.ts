import { z } from 'zod';
import type { App } from '../model/app.js';
import { envelope } from './common-schema.js';

export const appMcpParams = z.object({ token: z.string().min(1).max(64) });

/** A JSON-RPC message or batch; the MCP SDK checks the rest and answers mistakes in JSON-RPC's own terms. */
export const appMcpBody = z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]);

export const appMcpSwitchBody = z.object({ enabled: z.boolean() });

const appMcpItem = z.object({
  enabled: z.boolean(),
  mcp_token: z.string().nullable().describe('MCP clients reach the published app at /mcp/<token> (Streamable HTTP)'),
  server_path: z.string().nullable(),
});
export const appMcpResponse = envelope(appMcpItem);

export function appMcpView(app: App): z.infer<typeof appMcpItem> {
  return { enabled: app.mcpToken !== null, mcp_token: app.mcpToken, server_path: app.mcpToken ? `/mcp/${app.mcpToken}` : null };
}

export const appMcpReply = z.string().describe('the JSON-RPC answer (application/json), written by the MCP SDK');

/** How an MCP link refuses: a JSON-RPC error object. */
export const jsonRpcError = z.object({
  jsonrpc: z.literal('2.0'),
  error: z.object({ code: z.number().int(), message: z.string(), data: z.looseObject({}).optional() }),
  id: z.null(),
});
