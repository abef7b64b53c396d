import type { FastifyRequest } from 'fastify';
import { FailError } from '../exception/app-error.js';

/** The one file of a multipart request, in a part named `file`; a file over `maxBytes` is refused (413), never cut short. */
export async function receiveFile(req: FastifyRequest, maxBytes: number): Promise<{ filename: string; data: Buffer }> {
  if (!req.isMultipart()) throw new FailError('send the file as multipart/form-data in a part named file');
  try {
    const part = await req.file({ limits: { fileSize: maxBytes } });
    if (!part || part.fieldname !== 'file') throw new FailError('send the file as multipart/form-data in a part named file');
    return { filename: part.filename.replaceAll('\u0000', ''), data: await part.toBuffer() };
  } catch (err) {
    // Errors with a status are the plugin's own refusals (too large, too many parts); the rest are the parser's word on a broken body.
    if (err instanceof FailError || (err as { statusCode?: number }).statusCode) throw err;
    throw new FailError(`the multipart body is malformed: ${(err as Error).message}`);
  }
}
