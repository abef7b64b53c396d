import { randomUUID } from 'node:crypto';
import { sha256Hex } from '../../lib/crypto.js';
import path from 'node:path';
import { DOCUMENT_TYPES, IMAGE_TYPES, TEXT_EXTENSIONS, UPLOAD_NAME_MAX_LENGTH, UploadKind } from '../../entity/upload-file-entity.js';
import type { Db } from '../../extension/database.js';
import type { FileStorage } from '../../extension/file-storage.js';
import { FailError, NotFoundError } from '../../exception/app-error.js';
import { sniffContent } from '../../lib/content-type.js';
import { uploadFiles, type UploadFile } from '../../model/upload-file.js';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { isUuid } from '../../lib/uuid.js';

export interface UploadInput {
  kind: UploadKind;
  filename: string;
  data: Buffer;
  /** An end user's upload through an app (service API, web app); absent for the account's own. */
  uploader?: Uploader | undefined;
}

/** Who may attach an upload to a chat message: the account itself (console), or one end user of one app. */
export interface Uploader {
  appId: string;
  endUser: string;
}

/** Signatures that stand for an extension under another name. */
const SAME_FORMAT: Record<string, string> = { jpeg: 'jpg' };

/**
 * Checks an upload (allowed extension, not empty, content matching the extension), stores the
 * bytes, then records them. A refused file leaves nothing behind.
 */
export class UploadFileService {
  constructor(
    private readonly db: Db,
    private readonly storage: FileStorage,
  ) {}

  async upload(workspaceId: string, input: UploadInput): Promise<UploadFile> {
    const types = input.kind === UploadKind.Image ? IMAGE_TYPES : DOCUMENT_TYPES;
    const name = displayName(input.filename);
    const extension = path.extname(name).slice(1).toLowerCase();
    const mimeType = types[extension];
    if (!mimeType) {
      throw new FailError(`file type .${extension || '(none)'} is not allowed; allowed: ${Object.keys(types).join(', ')}`);
    }
    if (input.data.length === 0) throw new FailError('the file is empty');
    const content = await sniffContent(input.data);
    const expected = TEXT_EXTENSIONS.has(extension) ? 'text' : (SAME_FORMAT[extension] ?? extension);
    if (content !== expected) {
      throw new FailError(
        `the content of ${name} is not a .${extension} file${content && content !== 'text' ? ` (it looks like .${content})` : ''}`,
      );
    }

    const id = randomUUID();
    const key = `${workspaceId}/${id}.${extension}`;
    await this.storage.put(key, input.data);
    try {
      const [row] = await this.db
        .insert(uploadFiles)
        .values({
          id,
          workspaceId,
          kind: input.kind,
          name,
          key,
          size: input.data.length,
          extension,
          mimeType,
          hash: sha256Hex(input.data),
          appId: input.uploader?.appId ?? null,
          endUser: input.uploader?.endUser ?? '',
        })
        .returning();
      return row!;
    } catch (err) {
      await this.storage.delete(key);
      throw err;
    }
  }

  /** The account's documents with these ids, in the order asked; any other id is not found. */
  async ownedDocuments(workspaceId: string, ids: string[]): Promise<UploadFile[]> {
    const rows = await this.db
      .select()
      .from(uploadFiles)
      .where(and(eq(uploadFiles.workspaceId, workspaceId), inArray(uploadFiles.id, ids), eq(uploadFiles.kind, UploadKind.Document)));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const file = byId.get(id);
      if (!file) throw new NotFoundError(`upload file ${id} not found`);
      return file;
    });
  }

  /**
   * Uploads of this workspace with these ids (others, and ids that are no UUID, are left out): those one
   * end user sent through one app, the account's own (sent in the console), or anyone's.
   */
  async owned(
    workspaceId: string,
    ids: string[],
    who: Uploader | 'account' | 'anyone',
    kind?: UploadKind,
  ): Promise<Map<string, UploadFile>> {
    const wanted = ids.filter(isUuid);
    if (wanted.length === 0) return new Map();
    const rows = await this.db
      .select()
      .from(uploadFiles)
      .where(
        and(
          eq(uploadFiles.workspaceId, workspaceId),
          inArray(uploadFiles.id, wanted),
          kind ? eq(uploadFiles.kind, kind) : undefined,
          who === 'anyone' ? undefined : who === 'account' ? isNull(uploadFiles.appId) : eq(uploadFiles.appId, who.appId),
          who === 'anyone' ? undefined : eq(uploadFiles.endUser, who === 'account' ? '' : who.endUser),
        ),
      );
    return new Map(rows.map((r) => [r.id, r]));
  }

  async contentOf(file: UploadFile): Promise<Buffer> {
    return this.storage.get(file.key);
  }
}

/** The last path segment only (browsers on Windows may send a full path), trimmed and bounded, extension kept. */
function displayName(filename: string): string {
  const base = (filename.split(/[\\/]/).pop() ?? '').trim();
  if (base.length <= UPLOAD_NAME_MAX_LENGTH) return base;
  const ext = path.extname(base).slice(0, 17);
  return base.slice(0, UPLOAD_NAME_MAX_LENGTH - ext.length) + ext;
}
