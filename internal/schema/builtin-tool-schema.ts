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
const credentialField = z.object({
  name: z.string(),
  type: z.enum(['secret-input', 'text-input']),
  required: z.boolean(),
  label: localized,
  placeholder: z.string().optional(),
  help: localized.optional(),
});
const provider = z.object({
  name: z.string(),
  label: localized,
  description: localized,
  category: z.string(),
  background: z.string(),
  icon: z.string(),
  /** What the workspace gives before the tools run (Dify's credentials_schema); empty for most. */
  credentials_schema: z.array(credentialField),
});

export const providerParams = z.object({ provider: z.string().min(1).max(64) });
export const toolParams = z.object({ provider: z.string().min(1).max(64), tool: z.string().min(1).max(64) });

export const builtinToolListResponse = envelope(
  z.array(
    provider.extend({
      is_team_authorization: z.boolean().describe('the workspace can run these tools (no credentials needed, or given)'),
      tools: z.array(tool),
    }),
  ),
);

export const credentialsBody = z.object({
  credentials: z.record(z.string().max(64), z.string().max(4096)).describe('a secret sent back masked keeps its stored value'),
});
export const credentialsResponse = envelope(
  z.object({
    saved: z.boolean(),
    authorized: z.boolean().describe("saved, or standing in with the workspace's model provider credentials"),
    credentials: z.record(z.string(), z.string()).describe('secrets masked'),
  }),
);
export const builtinToolResponse = envelope(tool.extend({ provider }));
export const toolCategoriesResponse = envelope(z.array(z.object({ category: z.string(), name: localized, icon: z.string() })));
