import type { FastifyRequest } from 'fastify';
import type { MessageFileService, MessageFileView } from '../service/files/message-file-service.js';

/** The messages' files, with links to uploads made absolute on the address the client called, as Dify's clients expect. */
export async function messageFileLinks(
  req: FastifyRequest,
  messageFiles: MessageFileService,
  messages: Array<{ id: string }>,
): Promise<Map<string, MessageFileView[]>> {
  const files = await messageFiles.filesOf(messages.map((m) => m.id));
  const origin = `${req.protocol}://${req.host}`;
  for (const list of files.values()) {
    for (const file of list) if (file.url.startsWith('/')) file.url = origin + file.url;
  }
  return files;
}
