import { z } from 'zod';
import { InvokeFrom } from '../entity/conversation-entity.js';
import { unixSeconds } from '../lib/time.js';
import type { Conversation } from '../model/conversation.js';
import { envelope, pageOf, unixTime, unixSecondsQuery } from './common-schema.js';

const metric = z.object({
  current: z.number(),
  previous: z.number(),
  trend: z.array(z.object({ date: z.string().describe('YYYY-MM-DD (UTC)'), value: z.number() })),
});
export const analysisResponse = envelope(
  z.object({
    total_messages: metric,
    active_end_users: metric,
    average_messages_per_conversation: metric,
    output_tokens_per_second: metric,
    cost: metric,
  }),
);
export const analysisParams = z.object({ app_id: z.uuid('must be a UUID') });

export const logsQuery = z
  .object({
    current_page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    page_size: z.coerce.number().int().min(1).max(100).default(20),
    start: unixSecondsQuery.optional().describe('Unix seconds: conversations created at or after'),
    end: unixSecondsQuery.optional().describe('Unix seconds: conversations created before'),
    invoke_from: z.enum(Object.values(InvokeFrom)).optional(),
  })
  .refine((q) => !q.start || !q.end || q.start < q.end, { message: 'must be after start', path: ['end'] });

const logItem = z.object({
  id: z.uuid(),
  name: z.string(),
  invoke_from: z.string(),
  end_user: z.string(),
  message_count: z.number().int(),
  created_at: unixTime,
  updated_at: unixTime,
});
export const logsResponse = pageOf(logItem);

export function logView(entry: { conversation: Conversation; messageCount: number }): z.infer<typeof logItem> {
  const c = entry.conversation;
  return {
    id: c.id,
    name: c.name,
    invoke_from: c.invokeFrom,
    end_user: c.endUser,
    message_count: entry.messageCount,
    created_at: unixSeconds(c.createdAt),
    updated_at: unixSeconds(c.updatedAt),
  };
}
