import { z } from 'zod';
import { unixSeconds } from '../lib/time.js';
import type { AppApiKey } from '../model/api-key.js';
import { envelope } from './common-schema.js';

export const apiKeyParams = z.object({ app_id: z.uuid('must be a UUID'), key_id: z.uuid('must be a UUID') });
export const createApiKeyBody = z.object({ remark: z.string().trim().max(255, 'must be at most 255 characters').default('') });
export const updateApiKeyBody = z
  .object({ remark: z.string().trim().max(255, 'must be at most 255 characters').optional(), is_active: z.boolean().optional() })
  .refine((b) => b.remark !== undefined || b.is_active !== undefined, 'give remark or is_active');

const apiKeyItem = z.object({
  id: z.uuid(),
  key: z.string().describe('masked, except in the answer to POST /apps/:app_id/api-keys'),
  remark: z.string(),
  is_active: z.boolean(),
  last_used_at: z.number().int().nullable(),
  created_at: z.number().int(),
});
export const apiKeyResponse = envelope(apiKeyItem);
export const apiKeyListResponse = envelope(z.array(apiKeyItem));

export function apiKeyView(k: AppApiKey, secret?: string): z.infer<typeof apiKeyItem> {
  return {
    id: k.id,
    key: secret ?? k.keyHint,
    remark: k.remark,
    is_active: k.isActive,
    last_used_at: k.lastUsedAt ? unixSeconds(k.lastUsedAt) : null,
    created_at: unixSeconds(k.createdAt),
  };
}
