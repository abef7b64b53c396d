import { z } from 'zod';
import { APP_DESCRIPTION_MAX_LENGTH, APP_NAME_MAX_LENGTH, AppStatus } from '../entity/app-entity.js';
import { unixSeconds } from '../lib/time.js';
import { APP_MODES } from '../entity/workflow-entity.js';
import type { App } from '../model/app.js';
import { envelope, pageOf, trimmed, unixTime } from './common-schema.js';

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const EMOJI = /^(\p{Extended_Pictographic}|\p{Regional_Indicator})/u;

/** The longest emoji sequence (a family joined by ZWJs, a subdivision flag) is well under this many UTF-16 units. */
const EMOJI_MAX_UNITS = 64;

/** One emoji (a single grapheme, flags and skin tones included), or an http(s) image URL. */
function isIcon(value: string): boolean {
  if (/^https?:\/\//i.test(value)) return URL.canParse(value) && value.length <= 2048;
  // Length first: segmenting a megabyte of text makes an object per grapheme (a fuzzed body ran a test worker out of memory).
  if (value.length > EMOJI_MAX_UNITS) return false;
  let count = 0;
  for (const _ of graphemes.segment(value)) if (++count > 1) return false;
  return count === 1 && EMOJI.test(value);
}

export const icon = z.string().trim().refine(isIcon, 'must be one emoji or an http(s) URL');
const name = trimmed(1, APP_NAME_MAX_LENGTH);
const description = z.string().trim().max(APP_DESCRIPTION_MAX_LENGTH, `must be at most ${APP_DESCRIPTION_MAX_LENGTH} characters`);

export const appIdParams = z.object({ app_id: z.uuid('must be a UUID') });
export const createAppBody = z.object({
  name,
  icon: icon.optional(),
  description: description.optional(),
  mode: z.enum(APP_MODES).optional().describe('chat (the default), agent-chat, workflow or advanced-chat (a chatflow); fixed once made'),
});
export const updateAppBody = z
  .object({ name: name.optional(), icon: icon.optional(), description: description.optional() })
  .refine((body) => Object.values(body).some((v) => v !== undefined), 'give at least one of name, icon, description');

export const appItem = z.object({
  id: z.uuid(),
  name: z.string(),
  icon: z.string(),
  description: z.string(),
  mode: z.enum(APP_MODES),
  status: z.enum(Object.values(AppStatus)),
  web_app_token: z.string().nullable().describe('the public web app is at /web-apps/<token> while the app is published'),
  created_at: unixTime,
  updated_at: unixTime,
});
export const appResponse = envelope(appItem);
export const appPageResponse = pageOf(appItem);

export function appView(app: App): z.infer<typeof appItem> {
  return {
    id: app.id,
    name: app.name,
    icon: app.icon,
    description: app.description,
    mode: app.mode,
    status: app.status,
    web_app_token: app.webAppToken,
    created_at: unixSeconds(app.createdAt),
    updated_at: unixSeconds(app.updatedAt),
  };
}
