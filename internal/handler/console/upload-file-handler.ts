import type { FastifyReply, FastifyRequest } from 'fastify';
import { success } from '../../../pkg/response/response.js';
import { UploadKind } from '../../entity/upload-file-entity.js';
import { currentWorkspaceId } from '../../middleware/auth.js';
import { uploadFileView, type imagePreviewParams, type imagePreviewQuery } from '../../schema/upload-file-schema.js';
import type { MessageFileService } from '../../service/files/message-file-service.js';
import type { UploadFileService } from '../../service/files/upload-file-service.js';
import { receiveFile } from '../multipart-file.js';
import type { Validated } from '../request-types.js';

export interface UploadLimits {
  uploadFileMaxBytes: number;
  uploadImageMaxBytes: number;
}

/** Multipart uploads: one part named `file`. */
export class UploadFileHandler {
  constructor(
    private readonly uploads: UploadFileService,
    private readonly messageFiles: MessageFileService,
    private readonly limits: UploadLimits,
  ) {}

  /** An image sent in a chat, by the signed link a message list gave out. */
  imagePreview = async (req: Validated<{ params: typeof imagePreviewParams; query: typeof imagePreviewQuery }>, reply: FastifyReply) => {
    const { file, data } = await this.messageFiles.preview(req.params.file_id, req.query);
    reply.header('content-type', file.mimeType).header('cache-control', 'private, max-age=300').header('x-content-type-options', 'nosniff');
    return reply.send(data);
  };

  uploadFile = (req: FastifyRequest) => this.receive(req, UploadKind.Document, this.limits.uploadFileMaxBytes);

  uploadImage = (req: FastifyRequest) => this.receive(req, UploadKind.Image, this.limits.uploadImageMaxBytes);

  private async receive(req: FastifyRequest, kind: UploadKind, maxBytes: number) {
    const { filename, data } = await receiveFile(req, maxBytes);
    const file = await this.uploads.upload(currentWorkspaceId(req), { kind, filename, data });
    return success(uploadFileView(file), 'file uploaded');
  }
}
