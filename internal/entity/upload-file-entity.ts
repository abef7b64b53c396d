/** What may be uploaded, by route: documents for knowledge bases, images for chats and icons. */
export const UploadKind = { Document: 'document', Image: 'image' } as const;
export type UploadKind = (typeof UploadKind)[keyof typeof UploadKind];

/** Extension -> the MIME type stored and served for it. */
export const DOCUMENT_TYPES: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  markdown: 'text/markdown',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html',
  htm: 'text/html',
  csv: 'text/csv',
  json: 'application/json',
};

export const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** Formats that have no signature of their own: their content must be text. */
export const TEXT_EXTENSIONS = new Set(['txt', 'md', 'markdown', 'html', 'htm', 'csv', 'json']);

export const UPLOAD_NAME_MAX_LENGTH = 255;

/** Image or document, by the name's extension (the content is checked against it later). */
export function uploadKindOf(filename: string): UploadKind {
  const extension = filename.slice(filename.lastIndexOf('.') + 1).toLowerCase();
  return filename.includes('.') && extension in IMAGE_TYPES ? UploadKind.Image : UploadKind.Document;
}
