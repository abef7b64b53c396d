/** Raised for a file whose content cannot be read as its format; the message is shown to the user. */
export class ExtractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExtractError';
  }
}

/** The plain text of an uploaded document, by its (already verified) extension. */
export async function extractText(extension: string, data: Buffer): Promise<string> {
  try {
    switch (extension) {
      case 'txt':
        return data.toString('utf8');
      // Parsers load with the first document that needs one, not at start-up.
      case 'md':
      case 'markdown':
        return (await import('./markdown-text.js')).extractMarkdownText(data.toString('utf8'));
      case 'html':
      case 'htm':
        return (await import('./html-text.js')).extractHtmlText(data.toString('utf8'));
      case 'csv':
        return await csvText(data);
      case 'json':
        return JSON.stringify(JSON.parse(data.toString('utf8')), null, 2);
      case 'pdf':
        return await (await import('./pdf-text.js')).extractPdfText(data);
      case 'docx':
        return (await (await import('mammoth')).default.extractRawText({ buffer: data })).value;
      default:
        throw new ExtractError(`no text extractor for .${extension}`);
    }
  } catch (err) {
    if (err instanceof ExtractError) throw err;
    throw new ExtractError(`could not read the .${extension} file: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Each row as "column: value" pairs, so a chunk keeps the meaning of its cells. */
async function csvText(data: Buffer): Promise<string> {
  const { parse: parseCsv } = await import('csv-parse/sync');
  const rows: string[][] = parseCsv(data, { bom: true, relax_column_count: true, skip_empty_lines: true });
  const [header, ...body] = rows;
  if (!header) return '';
  if (body.length === 0) return header.join(', ');
  return body.map((row) => row.map((cell, i) => `${header[i] ?? `column ${i + 1}`}: ${cell}`).join('; ')).join('\n');
}
