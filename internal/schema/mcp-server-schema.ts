import { z } from 'zod';
import { unixSeconds } from '../lib/time.js';
import type { McpServer } from '../model/tool-provider.js';
import { apiToolBody } from './api-tool-schema.js';
import { envelope, httpUrl, trimmed, unixTime } from './common-schema.js';

export const mcpServerBody = z.object({
  name: trimmed(1, 64),
  server_url: httpUrl,
  headers: apiToolBody.shape.headers,
});
export const mcpServerParams = z.object({ id: z.uuid('must be a UUID') });

const toolItem = z.object({ name: z.string(), description: z.string(), inputs: z.record(z.string(), z.unknown()) });
const serverItem = z.object({
  id: z.uuid(),
  name: z.string(),
  server_url: z.string(),
  headers: z.array(z.object({ key: z.string(), value: z.string().describe('masked') })),
  tools: z.array(toolItem),
  created_at: unixTime,
  updated_at: unixTime.describe('also when its tools were last listed'),
});

export const mcpServerResponse = envelope(serverItem);
export const mcpServerListResponse = envelope(z.array(serverItem));

export function mcpServerView(s: McpServer, headers: Array<{ key: string; value: string }>): z.infer<typeof serverItem> {
  return {
    id: s.id,
    name: s.name,
    server_url: s.serverUrl,
    headers,
    tools: s.tools.map((t) => ({ name: t.name, description: t.description, inputs: t.inputSchema })),
    created_at: unixSeconds(s.createdAt),
    updated_at: unixSeconds(s.updatedAt),
  };
}
