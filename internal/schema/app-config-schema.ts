import { z } from 'zod';
import { workflowItem, workflowResponse } from './workflow-schema.js';
import { builtinTool } from '../core/tools/builtin-catalog.js';
import {
  AGENT_ITERATIONS_MAX,
  AGENT_STRATEGIES,
  APP_DATASETS_MAX,
  APP_TOOLS_MAX,
  DIALOG_ROUND_MAX,
  APP_TOOL_TYPES,
  FILE_TRANSFER_METHODS,
  IMAGES_PER_MESSAGE_MAX,
  INPUT_FIELD_TYPES,
  INPUT_FIELDS_MAX,
  OPENING_QUESTIONS_MAX,
  REVIEW_KEYWORDS_MAX,
  type AppConfig,
} from '../entity/app-config-entity.js';
import { unixSeconds } from '../lib/time.js';
import type { AppConfigVersion } from '../model/app-config-version.js';
import { envelope, pageOf, unixTime } from './common-schema.js';

const modelConfig = z.object({
  provider: z.string().trim().min(1, 'must not be empty').max(64),
  model: z.string().trim().min(1, 'must not be empty').max(200),
  parameters: z.record(z.string(), z.number()).default({}),
});

const reviewConfig = z
  .object({
    enable: z.boolean(),
    keywords: z.array(z.string().trim().min(1, 'must not be empty').max(64)).max(REVIEW_KEYWORDS_MAX),
    inputs_config: z.object({ enable: z.boolean(), preset_response: z.string().trim().max(500).default('') }),
    outputs_config: z.object({ enable: z.boolean() }),
  })
  .superRefine((review, ctx) => {
    if (!review.enable) return;
    if (review.keywords.length === 0)
      ctx.addIssue({ code: 'custom', path: ['keywords'], message: 'needs at least one keyword when review is enabled' });
    if (!review.inputs_config.enable && !review.outputs_config.enable) {
      ctx.addIssue({
        code: 'custom',
        path: ['inputs_config', 'enable'],
        message: 'enable input or output review (or both) when review is enabled',
      });
    }
    if (review.inputs_config.enable && !review.inputs_config.preset_response) {
      ctx.addIssue({ code: 'custom', path: ['inputs_config', 'preset_response'], message: 'is required when input review is enabled' });
    }
  });

const inputFieldSpec = z.object({
  label: z.string().trim().min(1, 'must not be empty').max(100),
  variable: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,29}$/, 'must start with a letter or _, hold only letters, digits and _, and be at most 30 long'),
  required: z.boolean().default(false),
  max_length: z.number().int().min(1).max(100_000).optional(),
  options: z.array(z.string().trim().min(1, 'must not be empty').max(200)).max(50).optional(),
  default: z.string().max(2000).optional(),
});

/** Dify's shape: each entry holds exactly one of the control names, whose value describes the variable. */
const userInputFormItem = z
  .object(
    Object.fromEntries(INPUT_FIELD_TYPES.map((t) => [t, inputFieldSpec.optional()])) as Record<
      (typeof INPUT_FIELD_TYPES)[number],
      z.ZodOptional<typeof inputFieldSpec>
    >,
  )
  .strict()
  .superRefine((item, ctx) => {
    const types = INPUT_FIELD_TYPES.filter((t) => item[t]);
    if (types.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `must hold exactly one of ${INPUT_FIELD_TYPES.join(', ')}` });
      return;
    }
    const type = types[0]!;
    const field = item[type]!;
    if (type === 'select') {
      const options = field.options ?? [];
      if (options.length === 0) ctx.addIssue({ code: 'custom', path: [type, 'options'], message: 'a select needs at least one option' });
      if (new Set(options).size !== options.length)
        ctx.addIssue({ code: 'custom', path: [type, 'options'], message: 'lists an option twice' });
      if (field.default && !options.includes(field.default))
        ctx.addIssue({ code: 'custom', path: [type, 'default'], message: 'must be one of the options' });
    }
    if (type === 'number' && field.default && !Number.isFinite(Number(field.default)))
      ctx.addIssue({ code: 'custom', path: [type, 'default'], message: 'must be a number' });
    if (
      (type === 'text-input' || type === 'paragraph') &&
      field.default &&
      field.max_length &&
      [...field.default].length > field.max_length
    )
      ctx.addIssue({ code: 'custom', path: [type, 'default'], message: 'is longer than max_length' });
  });

const fileField = z.object({
  label: z.string(),
  variable: z.string(),
  required: z.boolean(),
  allowed_file_types: z.array(z.string()),
  allowed_file_extensions: z.array(z.string()),
  allowed_file_upload_methods: z.array(z.string()),
  max_length: z.number().int().optional(),
});
/** A graph app's form as clients see it: the controls, and its file variables (`file`, `file-list`) as Dify shows them. */
export const startFormResponse = z.array(
  z.union([userInputFormItem, z.object({ file: fileField }).strict(), z.object({ 'file-list': fileField }).strict()]),
);

export const userInputForm = z
  .array(userInputFormItem)
  .max(INPUT_FIELDS_MAX, `at most ${INPUT_FIELDS_MAX} input variables`)
  .superRefine((form, ctx) => {
    const seen = new Set<string>();
    form.forEach((item, index) => {
      const variable = INPUT_FIELD_TYPES.map((t) => item[t]?.variable).find(Boolean);
      if (!variable) return;
      if (seen.has(variable)) ctx.addIssue({ code: 'custom', path: [index], message: `declares the variable ${variable} twice` });
      seen.add(variable);
    });
  });

export const fileUpload = z.object({
  image: z
    .object({
      enabled: z.boolean(),
      number_limits: z.number().int().min(1).max(IMAGES_PER_MESSAGE_MAX).default(3),
      detail: z.enum(['low', 'high']).default('low'),
      transfer_methods: z
        .array(z.enum(FILE_TRANSFER_METHODS))
        .default(['remote_url', 'local_file'])
        .refine((methods) => new Set(methods).size === methods.length, 'lists a method twice'),
    })
    .refine((image) => !image.enabled || image.transfer_methods.length > 0, {
      path: ['transfer_methods'],
      message: 'needs at least one method when image upload is enabled',
    }),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Built-in tools, checked against the catalog: the tool exists, its fixed params fit it, none twice. */
export const appTools = z
  .array(
    z.object({
      type: z.enum(APP_TOOL_TYPES, { error: 'must be builtin_tool, api_tool, mcp_tool or workflow_tool' }),
      provider_id: z.string().min(1),
      tool_id: z.string().min(1),
      params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    }),
  )
  .max(APP_TOOLS_MAX, `at most ${APP_TOOLS_MAX} tools`)
  .superRefine((tools, ctx) => {
    const seen = new Set<string>();
    tools.forEach((entry, index) => {
      const key = `${entry.provider_id}/${entry.tool_id}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index], message: `lists the tool ${key} twice` });
      seen.add(key);
      // API, MCP and workflow tools live in the database: the service checks them.
      if (entry.type !== 'builtin_tool') {
        if (!UUID.test(entry.provider_id)) ctx.addIssue({ code: 'custom', path: [index, 'provider_id'], message: 'must be a UUID' });
        return;
      }
      const found = builtinTool(entry.provider_id, entry.tool_id);
      if (!found) {
        ctx.addIssue({ code: 'custom', path: [index], message: `there is no built-in tool ${entry.provider_id}/${entry.tool_id}` });
        return;
      }
      for (const [name, value] of Object.entries(entry.params)) {
        const param = found.tool.params.find((p) => p.name === name);
        const problem = !param
          ? `${key} has no parameter ${name}`
          : param.type === 'select' && !param.options?.includes(String(value))
            ? `must be one of ${param.options?.join(', ')}`
            : param.type !== 'select' && typeof value !== param.type
              ? `must be a ${param.type}`
              : undefined;
        if (problem) ctx.addIssue({ code: 'custom', path: [index, 'params', name], message: problem });
      }
    });
  });

const configFields = {
  model_config: modelConfig,
  preset_prompt: z.string().max(20_000, 'must be at most 20000 characters'),
  user_input_form: userInputForm,
  dialog_round: z.number().int().min(0).max(DIALOG_ROUND_MAX),
  long_term_memory: z.object({ enable: z.boolean() }),
  opening_statement: z.string().trim().max(2000, 'must be at most 2000 characters'),
  opening_questions: z.array(z.string().trim().min(1, 'must not be empty').max(200)).max(OPENING_QUESTIONS_MAX),
  suggested_after_answer: z.object({ enable: z.boolean() }),
  review_config: reviewConfig,
  datasets: z
    .array(z.uuid('must be a UUID'))
    .max(APP_DATASETS_MAX, `at most ${APP_DATASETS_MAX} datasets`)
    .refine((ids) => new Set(ids).size === ids.length, 'lists a dataset twice'),
  retrieval_config: z.object({
    retrieval_strategy: z.enum(['semantic', 'full_text', 'hybrid']),
    k: z.number().int().min(1).max(10),
    score: z.number().min(0).max(1),
  }),
  file_upload: fileUpload,
  tools: appTools,
  agent_mode: z.object({
    strategy: z.enum(AGENT_STRATEGIES).optional(),
    max_iterations: z.number().int().min(1).max(AGENT_ITERATIONS_MAX).default(5),
  }),
};

export const appConfigItem = z.object(configFields);
const draftWarnings = z.array(z.string());
/** A partial update: fields left out keep their value; a nested object given replaces the old one. */
export const draftConfigBody = z
  .object({ ...configFields, warnings: draftWarnings.optional().describe('ignored: what the draft answer said, sent back as it was') })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).some((key) => key !== 'warnings'), 'give at least one configuration field');

export const fallbackBody = z.object({ app_config_version_id: z.uuid('must be a UUID') });

export const draftConfigResponse = envelope(
  appConfigItem.extend({ warnings: draftWarnings.describe('what would keep the draft from running as it is (a tool deleted since)') }),
);
/** A chat app's draft config, or (workflow and chatflow apps) the draft graph. */
export const fallbackResponse = draftConfigResponse.or(workflowResponse);
export const publishResponse = envelope(z.object({ version: z.number().int(), app_config_version_id: z.uuid(), published_at: unixTime }));
const versionItem = z.object({
  id: z.uuid(),
  version: z.number().int(),
  config: appConfigItem.optional().describe("a chat app's published config"),
  workflow: workflowItem.optional().describe("a workflow or chatflow app's published graph"),
  created_at: unixTime,
});
export const publishHistoryResponse = pageOf(versionItem);

export function configView(config: AppConfig): z.infer<typeof appConfigItem> {
  return config;
}

export function versionView(version: AppConfigVersion): z.infer<typeof versionItem> {
  return { id: version.id, version: version.version, config: version.config, created_at: unixSeconds(version.createdAt) };
}
