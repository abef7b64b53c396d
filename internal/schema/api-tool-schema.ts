import { z } from 'zod';
import type { ApiToolSpec } from '../core/tools/openapi-tools.js';
import { unixSeconds } from '../lib/time.js';
import type { ApiToolProvider } from '../model/tool-provider.js';
import { envelope, httpUrl, pageOf, trimmed, unixTime } from './common-schema.js';

const header = z.object({
  key: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(100)
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a valid header name'),
  value: z.string().max(4000),
});

export const apiToolBody = z.object({
  name: trimmed(1, 64),
  icon: z.string().max(2000).default(''),
  description: z.string().max(2000).default(''),
  openapi_schema: z.string().min(1, 'must not be empty').max(500_000, 'must be at most 500000 characters'),
  headers: z
    .array(header)
    .max(20)
    .default([])
    .refine((hs) => new Set(hs.map((h) => h.key.toLowerCase())).size === hs.length, 'names a header twice'),
});
export const validateSchemaBody = z.object({ openapi_schema: apiToolBody.shape.openapi_schema });
export const providerIdParams = z.object({ provider_id: z.uuid('must be a UUID') });
export const apiToolParams = z.object({ provider_id: z.uuid('must be a UUID'), tool_name: z.string().min(1).max(64) });

const toolItem = z.object({
  name: z.string(),
  description: z.string(),
  method: z.string(),
  url: z.string(),
  /** The arguments the model fills, as JSON Schema. */
  inputs: z.record(z.string(), z.unknown()),
});
const providerItem = z.object({
  id: z.uuid(),
  name: z.string(),
  icon: z.string(),
  description: z.string(),
  headers: z.array(z.object({ key: z.string(), value: z.string().describe('masked') })),
  tools: z.array(toolItem),
  created_at: unixTime,
  updated_at: unixTime,
});

export const apiToolProviderResponse = envelope(providerItem.extend({ openapi_schema: z.string() }));
export const apiToolListResponse = pageOf(providerItem);
export const apiToolResponse = envelope(toolItem.extend({ provider: z.object({ id: z.uuid(), name: z.string(), icon: z.string() }) }));
export const validateSchemaResponse = envelope(z.object({ tools: z.array(toolItem) }));

export const importUrlBody = z.object({ url: httpUrl });
export const importUrlResponse = envelope(z.object({ openapi_schema: z.string(), tools: z.array(toolItem) }));
export const createdResponse = envelope(z.object({ id: z.uuid() }));

export function toolView(spec: ApiToolSpec, inputs: Record<string, unknown>): z.infer<typeof toolItem> {
  return { name: spec.name, description: spec.description, method: spec.method, url: spec.url, inputs };
}

export function providerView(p: ApiToolProvider, headers: Array<{ key: string; value: string }>, tools: z.infer<typeof toolItem>[]) {
  return {
    id: p.id,
    name: p.name,
    icon: p.icon,
    description: p.description,
    headers,
    tools,
    created_at: unixSeconds(p.createdAt),
    updated_at: unixSeconds(p.updatedAt),
  };
}
