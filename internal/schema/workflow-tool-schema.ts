import { z } from 'zod';
import { WORKFLOW_TOOL_NAME, type WorkflowToolInput } from '../core/tools/workflow-tools.js';
import { unixSeconds } from '../lib/time.js';
import type { WorkflowToolProvider } from '../model/tool-provider.js';
import { envelope, trimmed, unixTime } from './common-schema.js';

const parameter = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(128),
  description: z.string().max(2000).default(''),
  form: z.enum(['llm', 'form'], { error: 'must be llm (the model fills it) or form (fixed where the tool is configured)' }),
});

/** Dify's workflow tool fields; the icon is the console's (emoji and background, or an image). */
export const workflowToolBody = z.object({
  name: z.string().trim().regex(WORKFLOW_TOOL_NAME, 'must be 1 to 64 letters, digits or underscores (the name the model calls)'),
  label: trimmed(1, 255),
  icon: z
    .record(z.string().max(64), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]))
    .refine((icon) => Object.keys(icon).length <= 10, 'must have at most 10 fields')
    .default({}),
  description: z.string().max(2000).default(''),
  parameters: z
    .array(parameter)
    .max(100)
    .default([])
    .refine((ps) => new Set(ps.map((p) => p.name)).size === ps.length, 'names a parameter twice'),
  privacy_policy: z.string().max(2000).default(''),
});
export const createWorkflowToolBody = workflowToolBody.extend({ workflow_app_id: z.uuid('must be a UUID') });
export const workflowToolParams = z.object({ workflow_tool_id: z.uuid('must be a UUID') });

const localized = z.object({ en_US: z.string(), zh_Hans: z.string() });
const toolParameter = z.object({
  name: z.string(),
  label: localized,
  type: z.enum(['string', 'number', 'boolean', 'select']),
  form: z.enum(['llm', 'form']),
  required: z.boolean(),
  llm_description: z.string(),
  options: z.array(z.object({ value: z.string(), label: localized })).optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
const workflowToolItem = z.object({
  workflow_tool_id: z.uuid(),
  workflow_app_id: z.uuid(),
  name: z.string(),
  label: z.string(),
  icon: z.record(z.string(), z.unknown()),
  description: z.string(),
  parameters: z.array(parameter),
  privacy_policy: z.string(),
  synced: z
    .boolean()
    .describe("false when the app was published again since the tool was saved: save it to take the new start form's configuration"),
  tool: z.object({
    name: z.string(),
    label: localized,
    description: z.string(),
    parameters: z.array(toolParameter),
  }),
  created_at: unixTime,
  updated_at: unixTime,
});

export const workflowToolResponse = envelope(workflowToolItem);
export const workflowToolListResponse = envelope(z.array(workflowToolItem));

function parameterView(input: WorkflowToolInput): z.infer<typeof toolParameter> {
  return {
    name: input.name,
    label: input.label,
    type: input.type,
    form: input.form,
    required: input.required,
    llm_description: input.description,
    ...(input.options ? { options: input.options.map((value) => ({ value, label: { en_US: value, zh_Hans: value } })) } : {}),
    ...(input.default !== undefined ? { default: input.default } : {}),
  };
}

export function workflowToolView({
  provider,
  inputs,
  synced,
}: {
  provider: WorkflowToolProvider;
  inputs: WorkflowToolInput[];
  synced: boolean;
}): z.infer<typeof workflowToolItem> {
  return {
    workflow_tool_id: provider.id,
    workflow_app_id: provider.appId,
    name: provider.name,
    label: provider.label,
    icon: provider.icon,
    description: provider.description,
    parameters: provider.parameters,
    privacy_policy: provider.privacyPolicy,
    synced,
    tool: {
      name: provider.name,
      label: { en_US: provider.label, zh_Hans: provider.label },
      description: provider.description,
      parameters: inputs.map(parameterView),
    },
    created_at: unixSeconds(provider.createdAt),
    updated_at: unixSeconds(provider.updatedAt),
  };
}
