import { z } from 'zod';
import { APP_DESCRIPTION_MAX_LENGTH, APP_NAME_MAX_LENGTH } from '../entity/app-entity.js';
import { icon } from './app-schema.js';
import { envelope, httpUrl, trimmed } from './common-schema.js';

/** Dify's import request: the file's text, or where to read it; name, icon and description override the file's. */
export const importBody = z
  .object({
    mode: z.enum(['yaml-content', 'yaml-url']),
    yaml_content: z.string().optional(),
    yaml_url: httpUrl.optional(),
    name: trimmed(1, APP_NAME_MAX_LENGTH).optional(),
    icon: icon.optional(),
    description: z.string().trim().max(APP_DESCRIPTION_MAX_LENGTH).optional(),
    default_model: z
      .object({ provider: z.string().min(1).max(64), model: z.string().min(1).max(128) })
      .optional()
      .describe('replaces every model the file names that this workspace cannot call'),
  })
  .superRefine((body, ctx) => {
    if (body.mode === 'yaml-content' && body.yaml_content === undefined)
      ctx.addIssue({ code: 'custom', path: ['yaml_content'], message: 'is required when mode is yaml-content' });
    if (body.mode === 'yaml-url' && body.yaml_url === undefined)
      ctx.addIssue({ code: 'custom', path: ['yaml_url'], message: 'is required when mode is yaml-url' });
  });

export const importResult = z.object({
  id: z.uuid(),
  status: z.enum(['completed', 'completed-with-warnings', 'failed']),
  app_id: z.uuid().nullable(),
  app_mode: z.string().nullable(),
  current_dsl_version: z.string(),
  imported_dsl_version: z.string(),
  warnings: z.array(z.string()).describe('what will not run as the file says: left out, replaced or switched off'),
  error: z.string(),
});
export const importResponse = envelope(importResult);
export const exportQuery = z.object({
  include_secret: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe("true: a workflow's secret environment values are written out in clear"),
});
export const exportResponse = envelope(z.string().describe('the DSL file (YAML), which Dify imports'));
