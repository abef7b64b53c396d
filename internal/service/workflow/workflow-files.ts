import path from 'node:path';
import { DOCUMENT_TYPES, IMAGE_TYPES } from '../../entity/upload-file-entity.js';
import { ValidationError } from '../../exception/app-error.js';
import type { Graph } from '../../core/workflow/graph.js';
import { FILE_LIST_DEFAULT_MAX, startFileVariables } from '../../core/workflow/start-form.js';
import { fileTypeOf, FILE_IDENTITY, type FileAccess, type WorkflowFile } from '../../core/workflow/workflow-file.js';
import type { SafeFetch } from '../../lib/ssrf-fetch.js';
import type { UploadFile } from '../../model/upload-file.js';
import { remoteFileUrl, URL_MAX_LENGTH, type FileInput } from '../files/message-file-service.js';
import type { Uploader, UploadFileService } from '../files/upload-file-service.js';

/** What a file variable (or the app's `file_upload` feature) accepts, in Dify's field names. */
interface FileRule {
  allowed_file_types?: string[];
  allowed_file_extensions?: string[];
  allowed_file_upload_methods?: string[];
}

/** The files a run starts with: its file inputs resolved, and `sys.files`. */
export interface RunFiles {
  inputs: Record<string, unknown>;
  sysFiles: WorkflowFile[];
}

const MIME_TYPES: Record<string, string> = { ...DOCUMENT_TYPES, ...IMAGE_TYPES };

/**
 * Files in workflow runs: the start node's `file` and `file-list` inputs and the request's `files`
 * (`sys.files`) checked against what the variable or the app's `file_upload` allows and turned into
 * Dify's file objects; an upload must be the caller's own (the end user's through this app, or the
 * account's in the console). Nodes read the bytes through `access`; a remote file is fetched
 * through the SSRF guard when a node needs it.
 */
export class WorkflowFiles {
  constructor(
    private readonly uploads: UploadFileService,
    private readonly fetch: SafeFetch,
    private readonly previewPath: (upload: UploadFile) => string | null,
  ) {}

  async resolve(
    workspaceId: string,
    uploader: Uploader | undefined,
    graph: Graph,
    features: Record<string, unknown>,
    inputs: Record<string, unknown>,
    files: FileInput[],
  ): Promise<RunFiles> {
    const wanted: Array<{ where: string; given: FileInput; rule: FileRule }> = [];
    const slots: Array<{ name: string; where: string[]; list: boolean }> = [];
    for (const { field: variable, list } of startFileVariables(graph)) {
      const name = variable.variable;
      const value = inputs[name];
      if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
        if (variable.required) throw invalid(`inputs.${name}: is required`);
        // An optional list not given is an empty list, so nodes that read it have something to read.
        if (list) slots.push({ name, where: [], list: true });
        continue;
      }
      const given = list ? value : [value];
      if (!Array.isArray(given) || (!list && Array.isArray(value)))
        throw invalid(`inputs.${name}: must be ${list ? 'a list of files' : 'one file'}`);
      const max = variable.max_length ?? FILE_LIST_DEFAULT_MAX;
      if (list && given.length > max) throw invalid(`inputs.${name}: at most ${max} files`);
      const where = given.map((g, i) => {
        const at = list ? `inputs.${name}.${i}` : `inputs.${name}`;
        wanted.push({ where: at, given: fileInput(g, at), rule: variable });
        return at;
      });
      slots.push({ name, where, list });
    }
    const upload = fileUploadFeature(features);
    const sysFiles = upload ? files : [];
    if (upload && sysFiles.length > upload.limit) throw invalid(`files: at most ${upload.limit} files`);
    sysFiles.forEach((given, i) => wanted.push({ where: `files.${i}`, given, rule: upload!.rule }));

    const owned = await this.uploads.owned(
      workspaceId,
      wanted.flatMap((w) => (w.given.transfer_method === 'local_file' && w.given.upload_file_id ? [w.given.upload_file_id] : [])),
      uploader ?? 'account',
    );
    const resolved = new Map(wanted.map((w) => [w.where, this.file(workspaceId, w.where, w.given, w.rule, owned)]));
    const resolvedInputs = { ...inputs };
    for (const slot of slots) {
      const list = slot.where.map((at) => resolved.get(at)!);
      resolvedInputs[slot.name] = slot.list ? list : list[0];
    }
    return { inputs: resolvedInputs, sysFiles: sysFiles.map((_, i) => resolved.get(`files.${i}`)!) };
  }

  /** What a run's nodes read files through: uploads of this workspace, and where `issued` is given, only those. */
  access(workspaceId: string, issued?: Set<string>): FileAccess {
    const bytes = async (file: WorkflowFile, signal: AbortSignal): Promise<{ data: Buffer; mimeType: string }> => {
      if (file.transfer_method === 'local_file') {
        // A file object a node made up (a code node's output, say) does not open someone else's upload.
        if (issued && file.related_id && !issued.has(file.related_id))
          throw new Error(`${file.filename}: this run was not given that file`);
        const upload = file.related_id
          ? (await this.uploads.owned(workspaceId, [file.related_id], 'anyone')).get(file.related_id)
          : undefined;
        if (!upload) throw new Error(`${file.filename}: the upload is gone`);
        return { data: await this.uploads.contentOf(upload), mimeType: upload.mimeType };
      }
      const res = await this.fetch(file.remote_url ?? '', { signal });
      if (res.status >= 400) throw new Error(`${file.filename}: ${new URL(res.url).host} answered ${res.status}`);
      return { data: res.body, mimeType: file.mime_type };
    };
    return {
      readFile: async (file, signal) => (await bytes(file, signal)).data,
      imageUrl: async (file, signal) => {
        if (file.transfer_method === 'remote_url' && file.remote_url) return file.remote_url;
        const { data, mimeType } = await bytes(file, signal);
        return `data:${mimeType};base64,${data.toString('base64')}`;
      },
      uploaded: async (ids) => {
        if (ids.length === 0) return [];
        for (const id of ids) issued?.add(id);
        const owned = await this.uploads.owned(workspaceId, [...ids], 'anyone');
        return ids.flatMap((id) => {
          const u = owned.get(id);
          return u ? [fileObject(workspaceId, u.name, u.mimeType, u.size, { related_id: u.id, url: this.previewPath(u) })] : [];
        });
      },
    };
  }

  private file(workspaceId: string, where: string, given: FileInput, rule: FileRule, owned: Map<string, UploadFile>): WorkflowFile {
    const methods = rule.allowed_file_upload_methods ?? [];
    if (methods.length > 0 && !methods.includes(given.transfer_method)) {
      throw invalid(`${where}.transfer_method: must be one of ${methods.join(', ')}`);
    }
    let file: WorkflowFile;
    if (given.transfer_method === 'local_file') {
      const upload = given.upload_file_id ? owned.get(given.upload_file_id) : undefined;
      if (!given.upload_file_id) throw invalid(`${where}.upload_file_id: is required for local_file`);
      if (!upload) throw invalid(`${where}.upload_file_id: file ${given.upload_file_id} not found`);
      file = fileObject(workspaceId, upload.name, upload.mimeType, upload.size, { related_id: upload.id, url: this.previewPath(upload) });
    } else if (given.transfer_method === 'remote_url') {
      const url = remoteFileUrl(given.url);
      if (!url) throw invalid(`${where}.url: must be an http(s) URL of at most ${URL_MAX_LENGTH} characters`);
      const name = decodeURIComponent(url.pathname.split('/').pop() ?? '') || url.hostname;
      const extension = path.extname(name).slice(1).toLowerCase();
      file = fileObject(workspaceId, name, MIME_TYPES[extension] ?? 'application/octet-stream', -1, {
        remote_url: url.toString(),
        url: url.toString(),
      });
    } else throw invalid(`${where}.transfer_method: must be local_file or remote_url`);
    checkType(where, given.type, file, rule);
    return file;
  }
}

function fileObject(
  workspaceId: string,
  filename: string,
  mimeType: string,
  size: number,
  where: { related_id?: string; remote_url?: string; url: string | null },
): WorkflowFile {
  const extension = path.extname(filename).toLowerCase();
  return {
    dify_model_identity: FILE_IDENTITY,
    id: null,
    tenant_id: workspaceId,
    type: fileTypeOf(extension),
    transfer_method: where.related_id ? 'local_file' : 'remote_url',
    remote_url: where.remote_url ?? null,
    related_id: where.related_id ?? null,
    filename,
    extension,
    mime_type: mimeType,
    size,
    url: where.url,
  };
}

/** The type a client names must be the file's, and one the rule allows (`custom`: by extension). */
function checkType(where: string, given: string, file: WorkflowFile, rule: FileRule): void {
  const custom = given === 'custom';
  if (!custom && given !== file.type) throw invalid(`${where}.type: ${file.filename} is a ${file.type} file, not ${given || 'of no type'}`);
  const types = rule.allowed_file_types ?? [];
  if (types.length === 0) return;
  const extensions = (rule.allowed_file_extensions ?? []).map((e) => e.replace(/^\./, '').toLowerCase());
  if (types.includes(file.type) && !custom) return;
  if (types.includes('custom') && extensions.includes(file.extension.slice(1))) {
    file.type = 'custom';
    return;
  }
  throw invalid(
    `${where}: ${file.filename} is not allowed here; allowed: ${[...types.filter((t) => t !== 'custom'), ...extensions.map((e) => `.${e}`)].join(', ')}`,
  );
}

/** Whether a run of the graph takes files at all: file variables, or `sys.files` through the app's file_upload. */
export function takesFiles(graph: Graph, features: Record<string, unknown>): boolean {
  return startFileVariables(graph).length > 0 || fileUploadFeature(features) !== undefined;
}

/** Dify's `features.file_upload` (newer: allowed_file_*; older: its `image` block), when it takes files. */
function fileUploadFeature(features: Record<string, unknown>): { limit: number; rule: FileRule } | undefined {
  const upload = features['file_upload'] as
    | (FileRule & {
        enabled?: boolean;
        number_limits?: number;
        image?: { enabled?: boolean; number_limits?: number; transfer_methods?: string[] };
      })
    | undefined;
  if (!upload) return undefined;
  if (upload.enabled) return { limit: Math.max(1, Math.trunc(upload.number_limits ?? 3)), rule: upload };
  if (upload.image?.enabled) {
    return {
      limit: Math.max(1, Math.trunc(upload.image.number_limits ?? 3)),
      rule: { allowed_file_types: ['image'], allowed_file_upload_methods: upload.image.transfer_methods ?? [] },
    };
  }
  return undefined;
}

function fileInput(value: unknown, where: string): FileInput {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw invalid(`${where}: must be a file ({type, transfer_method, upload_file_id | url})`);
  const v = value as Record<string, unknown>;
  return {
    type: typeof v['type'] === 'string' ? v['type'] : '',
    transfer_method: typeof v['transfer_method'] === 'string' ? v['transfer_method'] : '',
    url: typeof v['url'] === 'string' ? v['url'] : typeof v['remote_url'] === 'string' ? v['remote_url'] : undefined,
    // A file object from another run (Dify's `related_id`) names its upload too.
    upload_file_id:
      typeof v['upload_file_id'] === 'string' ? v['upload_file_id'] : typeof v['related_id'] === 'string' ? v['related_id'] : undefined,
  };
}

function invalid(message: string): ValidationError {
  return new ValidationError(message);
}
