import { extractText } from '../extract/text-extractor.js';
import type { NodeExecutor } from './engine.js';
import { isWorkflowFile, type FileAccess, type WorkflowFile } from './workflow-file.js';

/** Formats this node reads (the knowledge bases' extractors). */
const READABLE = new Set(['txt', 'md', 'markdown', 'html', 'htm', 'csv', 'json', 'pdf', 'docx']);

/**
 * `document-extractor`: the text of the file (or of each file of a list) its `variable_selector`
 * names, as Dify's node gives it: `text` is a string for one file, a list of strings for a list.
 */
export function documentExtractorNode(files: FileAccess): NodeExecutor {
  return async ({ node, pool, signal }) => {
    const selector = node.data['variable_selector'];
    if (!Array.isArray(selector) || selector.length < 2) throw new Error('variable_selector: choose the file variable to read');
    const value = pool.get(selector as string[]);
    if (value === undefined || value === null) throw new Error(`${selector.join('.')} holds no file`);
    const list = Array.isArray(value);
    const documents = (list ? value : [value]) as unknown[];
    const bad = documents.findIndex((d) => !isWorkflowFile(d));
    if (bad >= 0) throw new Error(`${selector.join('.')}${list ? `[${bad}]` : ''} is not a file`);
    const text = await Promise.all((documents as WorkflowFile[]).map((file) => textOf(files, file, signal)));
    return {
      inputs: { variable_selector: selector },
      processData: { documents },
      outputs: { text: list ? text : text[0]! },
    };
  };
}

async function textOf(files: FileAccess, file: WorkflowFile, signal: AbortSignal): Promise<string> {
  const extension = file.extension.replace(/^\./, '').toLowerCase();
  if (!READABLE.has(extension)) {
    throw new Error(`${file.filename}: .${extension || '(none)'} files cannot be read here; readable: ${[...READABLE].join(', ')}`);
  }
  return extractText(extension, await files.readFile(file, signal));
}
