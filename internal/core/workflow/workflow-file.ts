/** Marks a value as a file in Dify's variable pool (its `File.to_dict()` carries the same mark). */
export const FILE_IDENTITY = '__dify__file__';

export type WorkflowFileType = 'image' | 'document' | 'audio' | 'video' | 'custom';

/**
 * A file in a run, in Dify's shape: an upload on this server (`local_file`, `related_id` is its id)
 * or a file on the web (`remote_url`). `extension` keeps its dot, as Dify's does; `size` is -1
 * where unknown (a remote file not fetched yet).
 */
export interface WorkflowFile {
  dify_model_identity: typeof FILE_IDENTITY;
  id: string | null;
  tenant_id: string;
  type: WorkflowFileType;
  transfer_method: 'local_file' | 'remote_url';
  remote_url: string | null;
  related_id: string | null;
  filename: string;
  extension: string;
  mime_type: string;
  size: number;
  url: string | null;
}

export function isWorkflowFile(value: unknown): value is WorkflowFile {
  return !!value && typeof value === 'object' && (value as { dify_model_identity?: unknown }).dify_model_identity === FILE_IDENTITY;
}

/** What a node may do with a file: read its bytes, or have a model look at it. */
export interface FileAccess {
  readFile(file: WorkflowFile, signal: AbortSignal): Promise<Buffer>;
  /** An image as a model takes it: a data: URL of an upload, the address of a remote one. */
  imageUrl(file: WorkflowFile, signal: AbortSignal): Promise<string>;
  /** Uploads a tool made (an image it drew), as file objects; ids that are gone are left out. */
  uploaded(ids: readonly string[]): Promise<WorkflowFile[]>;
}

/** The files a variable holds: one file, a list of them (anything else is left out). */
export function filesIn(value: unknown): WorkflowFile[] {
  if (isWorkflowFile(value)) return [value];
  return Array.isArray(value) ? value.filter(isWorkflowFile) : [];
}

/** The files among outputs (a file, or the files of a list), as Dify's finished events list them. */
export function filesOfOutputs(outputs: Record<string, unknown>): WorkflowFile[] {
  return Object.values(outputs).flatMap(filesIn);
}

const EXTENSION_TYPES: Record<WorkflowFileType, readonly string[]> = {
  image: ['jpg', 'jpeg', 'png', 'webp', 'gif', 'svg'],
  document: [
    'txt',
    'markdown',
    'md',
    'mdx',
    'pdf',
    'html',
    'htm',
    'xlsx',
    'xls',
    'docx',
    'csv',
    'eml',
    'msg',
    'pptx',
    'xml',
    'epub',
    'ppt',
    'json',
  ],
  audio: ['mp3', 'm4a', 'wav', 'amr', 'mpga'],
  video: ['mp4', 'mov', 'mpeg', 'webm'],
  custom: [],
};

/** Dify's file type of an extension (with or without its dot): custom where it is none of the four. */
export function fileTypeOf(extension: string): WorkflowFileType {
  const bare = extension.replace(/^\./, '').toLowerCase();
  for (const type of ['image', 'document', 'audio', 'video'] as const) if (EXTENSION_TYPES[type].includes(bare)) return type;
  return 'custom';
}
