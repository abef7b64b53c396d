import { z } from 'zod';
import { unixSeconds } from '../lib/time.js';
import type { UploadFile } from '../model/upload-file.js';
import { envelope, unixTime } from './common-schema.js';

const uploadFileItem = z.object({
  id: z.uuid(),
  name: z.string(),
  size: z.number().int().describe('bytes'),
  extension: z.string(),
  mime_type: z.string(),
  hash: z.string().describe('SHA-256 of the content, hex'),
  created_at: unixTime,
});
export const uploadFileResponse = envelope(uploadFileItem);

export function uploadFileView(f: UploadFile): z.infer<typeof uploadFileItem> {
  return {
    id: f.id,
    name: f.name,
    size: f.size,
    extension: f.extension,
    mime_type: f.mimeType,
    hash: f.hash,
    created_at: unixSeconds(f.createdAt),
  };
}

export const imagePreviewParams = z.object({ file_id: z.uuid('must be a UUID') });
/** The signature a message list put on the link. */
export const imagePreviewQuery = z.object({
  timestamp: z.coerce.number().int().nonnegative(),
  nonce: z.string().regex(/^[0-9a-f]{8,64}$/, 'is not a nonce'),
  sign: z.string().regex(/^[A-Za-z0-9_-]{20,128}$/, 'is not a signature'),
});
