import { z } from 'zod';
import { envelope } from './common-schema.js';

const localized = z.object({ en_US: z.string(), zh_Hans: z.string() });
const parameter = z.object({
  name: z.string(),
  type: z.enum(['string', 'number', 'boolean', 'select']),
  required: z.boolean(),
  label: localized,
  description: z.string(),
  options: z.array(z.string()).optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
const tool = z.object({
  name: z.string(),
  label: localized,
  description: localized,
  /** Filled by the model on each call. */
  inputs: z.array(parameter),
  /** Fixed per app in its config's `tools[].params`. */
  params: z.array(parameter),
});
const provider = z.object({
  name: z.string(),
  label: localized,
  description: localized,
  category: z.string(),
  background: z.string(),
  icon: z.string(),
});

export const providerParams = z.object({ provider: z.string().min(1).max(64) });
export const toolParams = z.object({ provider: z.string().min(1).max(64), tool: z.string().min(1).max(64) });

export const builtinToolListResponse = envelope(z.array(provider.extend({ tools: z.array(tool) })));
export const builtinToolResponse = envelope(tool.extend({ provider }));
export const toolCategoriesResponse = envelope(z.array(z.object({ category: z.string(), name: localized, icon: z.string() })));
