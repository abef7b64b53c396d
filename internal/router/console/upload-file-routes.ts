import type { UploadFileHandler } from '../../handler/console/upload-file-handler.js';
import { imagePreviewParams, imagePreviewQuery, uploadFileResponse } from '../../schema/upload-file-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

const tag = 'files';
const multipartNote = 'multipart/form-data with one part named `file`';

export function registerUploadFileRoutes(server: HttpServer, h: { uploadFile: UploadFileHandler }): void {
  server.post(
    '/upload-files/file',
    route(Permission.FilesUpload, tag, `Upload a document (txt, md, markdown, pdf, docx, html, htm, csv, json): ${multipartNote}`, {
      consumes: ['multipart/form-data'],
      response: { 200: uploadFileResponse },
    }),
    h.uploadFile.uploadFile,
  );
  server.post(
    '/upload-files/image',
    route(Permission.FilesUpload, tag, `Upload an image (png, jpg, jpeg, webp, gif): ${multipartNote}`, {
      consumes: ['multipart/form-data'],
      response: { 200: uploadFileResponse },
    }),
    h.uploadFile.uploadImage,
  );
  server.get(
    '/files/:file_id/image-preview',
    route('public', tag, 'An image sent in a chat, by the signed, expiring link in `message_files[].url`', {
      params: imagePreviewParams,
      querystring: imagePreviewQuery,
      // The bytes are sent as they are, with the image's content type; no JSON schema applies to them.
      response: {},
    }),
    h.uploadFile.imagePreview,
  );
}
