import { ApiError, authHeaders } from './client';

/** Sends one file as multipart (the upload routes take `file`); answers the stored file's id and name. */
export async function uploadFile(
  url: string,
  file: File,
  headers: Record<string, string> = authHeaders(),
): Promise<{ id: string; name: string }> {
  const form = new FormData();
  form.append('file', file);
  const response = await fetch(url, { method: 'POST', body: form, headers });
  const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string; data?: { id: string; name: string } };
  if (!response.ok || !body.data) throw new ApiError(body.message ?? `HTTP ${response.status}`, response.status, body.code ?? 'fail');
  return body.data;
}

export const imageFiles = (files: Array<{ id: string }>) =>
  files.map((f) => ({ type: 'image', transfer_method: 'local_file' as const, upload_file_id: f.id }));
