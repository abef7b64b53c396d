/**
 * What the bytes are, from their signature (`file-type` reads magic numbers, and looks inside
 * ZIP containers to tell DOCX from other Office files): an extension such as 'pdf' or 'png',
 * 'text' for UTF-8 text with no signature, or undefined for anything else.
 */
export async function sniffContent(data: Uint8Array): Promise<string | undefined> {
  // Loaded with the first upload, not at start-up.
  const { fileTypeFromBuffer } = await import('file-type');
  const detected = await fileTypeFromBuffer(data);
  if (detected) return detected.ext;
  return isUtf8Text(data) ? 'text' : undefined;
}

function isUtf8Text(data: Uint8Array): boolean {
  // A NUL byte never appears in text documents but is common in binary formats.
  if (data.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}
