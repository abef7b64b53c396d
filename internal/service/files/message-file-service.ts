import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { ImageInput } from '../../core/llm/llm-types.js';
import type { AppConfig, FileTransferMethod } from '../../entity/app-config-entity.js';
import { UploadKind } from '../../entity/upload-file-entity.js';
import type { Db } from '../../extension/database.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../exception/app-error.js';
import { deriveKey } from '../../lib/crypto.js';
import { messageFiles } from '../../model/conversation.js';
import { uploadFiles, type UploadFile } from '../../model/upload-file.js';
import type { Uploader, UploadFileService } from './upload-file-service.js';

/** A file as a chat request names it (Dify's `files` entry). */
export interface FileInput {
  type: string;
  transfer_method: string;
  url?: string | undefined;
  upload_file_id?: string | undefined;
}

/** Images of one message: what goes to the model, and the rows that record them. */
export interface ChatFiles {
  images: ImageInput[];
  rows: Array<{ id: string; transferMethod: FileTransferMethod; url: string; uploadFileId: string | null }>;
}

/** A message's file as clients list it; `url` of an upload is a signed path on this server. */
export interface MessageFileView {
  id: string;
  type: string;
  url: string;
  belongs_to: string;
  transfer_method: FileTransferMethod;
  upload_file_id: string | null;
}

export interface PreviewSignature {
  timestamp: number;
  nonce: string;
  sign: string;
}

export const NO_FILES: ChatFiles = { images: [], rows: [] };
export const URL_MAX_LENGTH = 2048;
const DATA_IMAGE = /^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+$/;

/**
 * Images sent with chat messages. Checked against the app's `file_upload` config; an upload goes to the model
 * inline (a data: URL), so providers need no access to this server. Uploads are shown back through links
 * signed with a key derived from SECRET_KEY that expire, as Dify's image previews do.
 */
export class MessageFileService {
  private readonly key: Uint8Array;
  private readonly accessSeconds: number;

  constructor(
    private readonly db: Db,
    private readonly uploads: UploadFileService,
    settings: { secretKey: string; fileAccessTimeoutSeconds: number },
  ) {
    this.key = deriveKey(settings.secretKey, 'file-preview');
    this.accessSeconds = settings.fileAccessTimeoutSeconds;
  }

  /** Files given while the app takes none are ignored, as Dify does; otherwise each must fit the config. */
  async resolve(workspaceId: string, config: AppConfig, files: FileInput[] | undefined, uploader?: Uploader): Promise<ChatFiles> {
    const image = config.file_upload.image;
    if (!files?.length || !image.enabled) return NO_FILES;
    if (files.length > image.number_limits) throw invalid(`files: at most ${image.number_limits} images per message`);
    files.forEach((file, i) => {
      if (file.type !== 'image') throw invalid(`files.${i}.type: only image files are supported`);
      if (!image.transfer_methods.includes(file.transfer_method as FileTransferMethod)) {
        throw invalid(`files.${i}.transfer_method: must be one of ${image.transfer_methods.join(', ')}`);
      }
    });
    const uploadIds = files.flatMap((f, i) => {
      if (f.transfer_method !== 'local_file') return [];
      if (!f.upload_file_id) throw invalid(`files.${i}.upload_file_id: is required for local_file`);
      return [f.upload_file_id];
    });
    // An end user may send only the images they uploaded through this app; the author (console) only the account's own.
    const uploaded = await this.uploads.owned(workspaceId, uploadIds, uploader ?? 'account', UploadKind.Image);
    const result: ChatFiles = { images: [], rows: [] };
    for (const [i, file] of files.entries()) {
      if (file.transfer_method === 'remote_url') {
        const url = remoteFileUrl(file.url)?.toString();
        if (!url) throw invalid(`files.${i}.url: must be an http(s) URL of at most ${URL_MAX_LENGTH} characters`);
        result.images.push({ url, detail: image.detail });
        result.rows.push({ id: randomUUID(), transferMethod: 'remote_url', url, uploadFileId: null });
        continue;
      }
      const upload = uploaded.get(file.upload_file_id!);
      if (!upload) throw invalid(`files.${i}.upload_file_id: image ${file.upload_file_id} not found`);
      result.images.push({ url: await this.inline(upload), detail: image.detail });
      result.rows.push({ id: randomUUID(), transferMethod: 'local_file', url: '', uploadFileId: upload.id });
    }
    return result;
  }

  /**
   * OpenAI-style image parts: http(s) URLs, recorded like Dify's remote_url, or data: URLs with the bytes, which go to
   * the model but are not kept. Ignored while the app takes no images, like Dify's `files`.
   */
  fromUrls(config: AppConfig, images: Array<{ url: string; detail?: string | undefined }>): ChatFiles {
    const image = config.file_upload.image;
    if (images.length === 0 || !image.enabled) return NO_FILES;
    if (images.length > image.number_limits) throw invalid(`messages: at most ${image.number_limits} images per message`);
    const result: ChatFiles = { images: [], rows: [] };
    for (const given of images) {
      const detail = given.detail === 'low' || given.detail === 'high' ? given.detail : image.detail;
      if (DATA_IMAGE.test(given.url)) {
        result.images.push({ url: given.url, detail });
        continue;
      }
      const url = remoteFileUrl(given.url)?.toString();
      if (!url) throw invalid('messages: an image_url must be an http(s) URL or a base64 data: URL of a png, jpeg, webp or gif image');
      result.images.push({ url, detail });
      result.rows.push({ id: randomUUID(), transferMethod: 'remote_url', url, uploadFileId: null });
    }
    return result;
  }

  /** What earlier messages sent to the model, by message id, for a memory that keeps images (uploads inline again). */
  async imagesOf(messageIds: string[], detail: 'low' | 'high'): Promise<Map<string, ImageInput[]>> {
    const byMessage = new Map<string, ImageInput[]>();
    if (messageIds.length === 0) return byMessage;
    const rows = await this.db
      .select({ file: messageFiles, upload: uploadFiles })
      .from(messageFiles)
      .leftJoin(uploadFiles, eq(uploadFiles.id, messageFiles.uploadFileId))
      .where(and(inArray(messageFiles.messageId, messageIds), eq(messageFiles.belongsTo, 'user')))
      .orderBy(asc(messageFiles.messageId), asc(messageFiles.position));
    for (const { file, upload } of rows) {
      // An upload deleted since is left out; the text of the turn stays.
      let url = file.url;
      if (file.transferMethod === 'local_file') {
        if (!upload) continue;
        url = await this.inline(upload);
      }
      byMessage.set(file.messageId, [...(byMessage.get(file.messageId) ?? []), { url, detail }]);
    }
    return byMessage;
  }

  /** The files of these messages, by message id, in the order they were sent. */
  async filesOf(messageIds: string[], now = Date.now()): Promise<Map<string, MessageFileView[]>> {
    const byMessage = new Map<string, MessageFileView[]>();
    if (messageIds.length === 0) return byMessage;
    const rows = await this.db
      .select()
      .from(messageFiles)
      .where(inArray(messageFiles.messageId, messageIds))
      .orderBy(asc(messageFiles.messageId), asc(messageFiles.position));
    for (const row of rows) {
      const view: MessageFileView = {
        id: row.id,
        type: row.type,
        url: row.transferMethod === 'remote_url' ? row.url : row.uploadFileId ? this.previewPath(row.uploadFileId, now) : '',
        belongs_to: row.belongsTo,
        transfer_method: row.transferMethod,
        upload_file_id: row.uploadFileId,
      };
      byMessage.set(row.messageId, [...(byMessage.get(row.messageId) ?? []), view]);
    }
    return byMessage;
  }

  /** `/files/:id/image-preview?timestamp&nonce&sign`, valid for the configured time. */
  previewPath(uploadFileId: string, now = Date.now()): string {
    const timestamp = Math.floor(now / 1000);
    const nonce = randomBytes(12).toString('hex');
    const sign = this.sign(uploadFileId, timestamp, nonce);
    return `/files/${uploadFileId}/image-preview?timestamp=${timestamp}&nonce=${nonce}&sign=${sign}`;
  }

  /** The image behind a signed link; a wrong or expired signature is refused before any lookup. */
  async preview(uploadFileId: string, signature: PreviewSignature, now = Date.now()): Promise<{ file: UploadFile; data: Buffer }> {
    const expected = Buffer.from(this.sign(uploadFileId, signature.timestamp, signature.nonce));
    const given = Buffer.from(signature.sign);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new ForbiddenError('invalid file link');
    const age = now / 1000 - signature.timestamp;
    if (age > this.accessSeconds || age < -60) throw new ForbiddenError('the file link has expired; list the messages again');
    const [file] = await this.db
      .select()
      .from(uploadFiles)
      .where(and(eq(uploadFiles.id, uploadFileId), eq(uploadFiles.kind, UploadKind.Image)))
      .limit(1);
    if (!file) throw new NotFoundError('file not found');
    return { file, data: await this.uploads.contentOf(file) };
  }

  /** An upload as a data: URL, so the model gets the bytes without reaching this server. */
  private async inline(upload: UploadFile): Promise<string> {
    return `data:${upload.mimeType};base64,${(await this.uploads.contentOf(upload)).toString('base64')}`;
  }

  private sign(uploadFileId: string, timestamp: number, nonce: string): string {
    return createHmac('sha256', this.key).update(`image-preview|${uploadFileId}|${timestamp}|${nonce}`).digest('base64url');
  }
}

/** An http(s) URL a file may be fetched from (of at most URL_MAX_LENGTH characters), parsed; undefined otherwise. */
export function remoteFileUrl(value: string | undefined): URL | undefined {
  if (!value || value.length > URL_MAX_LENGTH) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function invalid(message: string): ValidationError {
  return new ValidationError(message);
}
