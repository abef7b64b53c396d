import { z } from 'zod';
import { HttpCode } from '../../pkg/response/http-code.js';
import { FILE_TRANSFER_METHODS, IMAGES_PER_MESSAGE_MAX } from '../entity/app-config-entity.js';

/** The envelope around `data`, as documented for every route. */
export function envelope<T extends z.ZodType>(data: T) {
  return z.object({ code: z.enum(Object.values(HttpCode)), message: z.string(), data });
}

export const emptyData = z.object({}).strict();
export const messageEnvelope = envelope(emptyData);

/** What a failed request carries; `data.errors` lists field problems on validation errors. */
export const errorEnvelope = envelope(
  z.looseObject({
    request_id: z.string().optional(),
    retry_after: z.number().int().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
);

/** The error answers a route may give, for the OpenAPI document. */
export const errorResponses = {
  400: errorEnvelope,
  401: errorEnvelope,
  404: errorEnvelope,
} as const;

export const pageQuery = z.object({
  current_page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(20),
  search_word: z.string().trim().max(100).optional(),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return envelope(
    z.object({
      list: z.array(item),
      paginator: z.object({
        current_page: z.number().int(),
        page_size: z.number().int(),
        total_page: z.number().int(),
        total_record: z.number().int(),
      }),
    }),
  );
}

/** A required string, trimmed, with length limits counted after trimming. */
export function trimmed(min: number, max: number) {
  return z
    .string()
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);
}

export const unixTime = z.number().int().describe('Unix seconds');
/** A moment given in a query, in Unix seconds: past 9999-12-31 no date exists to compare with. */
export const unixSecondsQuery = z.coerce.number().positive().max(253_402_300_799, 'must be a Unix time in seconds before the year 10000');

/** Values of the app's input variables (`user_input_form`), checked against the form when the chat starts. */
export const inputsField = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((v) => v ?? {});

/** Dify's `files` of a chat message: images by URL or by an upload's id, checked against the app's `file_upload`. */
export const filesField = z
  .array(
    z.object({
      type: z.string().max(32),
      transfer_method: z.enum(FILE_TRANSFER_METHODS),
      url: z.string().max(4096).optional(),
      upload_file_id: z.uuid('must be a UUID').optional(),
    }),
  )
  .max(IMAGES_PER_MESSAGE_MAX, `at most ${IMAGES_PER_MESSAGE_MAX} files`)
  .nullish()
  .transform((v) => v ?? []);

/** An image sent with a message, as message lists show it (Dify's `message_files` entry). */
export const messageFileItem = z.object({
  id: z.string(),
  type: z.string(),
  url: z.string().describe('the remote URL, or a signed link to the upload on this server that expires'),
  belongs_to: z.string(),
  transfer_method: z.enum(FILE_TRANSFER_METHODS),
  upload_file_id: z.string().nullable(),
});
export type MessageFileItem = z.infer<typeof messageFileItem>;

/** An absolute http(s) URL the server may fetch or call (credentials' base URLs, documents, MCP servers). */
export const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), 'must be an http(s) URL');
