import { INPUT_FIELD_TYPES, type InputFieldType, type UserInputFormItem } from '../../entity/app-config-entity.js';
import type { Graph } from './graph.js';

interface StartVariable {
  variable?: string;
  label?: string;
  type?: string;
  required?: boolean;
  max_length?: number | null;
  options?: string[];
  default?: unknown;
  allowed_file_types?: string[];
  allowed_file_extensions?: string[];
  allowed_file_upload_methods?: string[];
}

/** A start variable that takes files, in Dify's field names: what a run's file input is checked against. */
export interface FileField {
  label: string;
  variable: string;
  required: boolean;
  allowed_file_types: string[];
  allowed_file_extensions: string[];
  allowed_file_upload_methods: string[];
  /** file-list: most files it takes. */
  max_length?: number;
}

/** A file variable as `user_input_form` shows it, like Dify's: `{"file": {...}}` or `{"file-list": {...}}`. */
export type FileFormItem = { file: FileField } | { 'file-list': FileField };

/** Most files a file-list takes when it does not say (Dify's default). */
export const FILE_LIST_DEFAULT_MAX = 5;

/**
 * The start node's variables as Dify's `user_input_form` (what `/v1/parameters` shows and what a
 * run's inputs are checked against). Kinds the form has no control for (files, JSON) are left out.
 */
export function startForm(graph: Graph): UserInputFormItem[] {
  return startVariables(graph).flatMap((v) => {
    const type = INPUT_FIELD_TYPES.find((t) => t === v.type) as InputFieldType | undefined;
    if (!type || !v.variable) return [];
    return [
      {
        [type]: {
          label: v.label ?? v.variable,
          variable: v.variable,
          required: v.required ?? false,
          ...(typeof v.max_length === 'number' && (type === 'text-input' || type === 'paragraph') ? { max_length: v.max_length } : {}),
          ...(type === 'select' ? { options: v.options ?? [] } : {}),
          ...(v.default !== undefined && v.default !== null && v.default !== '' ? { default: String(v.default) } : {}),
        },
      },
    ];
  });
}

/** The start node's whole form, file variables included, in its order: what `/v1/parameters` and the web app show. */
export function startFormWithFiles(graph: Graph): Array<UserInputFormItem | FileFormItem> {
  const form = startForm(graph);
  const files = new Map(startFileVariables(graph).map((f) => [f.field.variable, f]));
  const byName = new Map(form.map((item) => [Object.values(item)[0]!.variable, item]));
  return startVariables(graph).flatMap((v): Array<UserInputFormItem | FileFormItem> => {
    const file = files.get(v.variable ?? '');
    if (file) return [file.list ? { 'file-list': file.field } : { file: file.field }];
    const item = byName.get(v.variable ?? '');
    return item ? [item] : [];
  });
}

/** The start node's `file` and `file-list` variables. */
export function startFileVariables(graph: Graph): Array<{ field: FileField; list: boolean }> {
  return startVariables(graph).flatMap((v) => {
    if ((v.type !== 'file' && v.type !== 'file-list') || typeof v.variable !== 'string') return [];
    const list = v.type === 'file-list';
    const strings = (values: unknown) => (Array.isArray(values) ? values.map(String) : []);
    const field: FileField = {
      label: v.label ?? v.variable,
      variable: v.variable,
      required: v.required ?? false,
      allowed_file_types: strings(v.allowed_file_types),
      allowed_file_extensions: strings(v.allowed_file_extensions),
      allowed_file_upload_methods: strings(v.allowed_file_upload_methods),
      ...(list ? { max_length: Math.max(1, Math.trunc(typeof v.max_length === 'number' ? v.max_length : FILE_LIST_DEFAULT_MAX)) } : {}),
    };
    return [{ field, list }];
  });
}

/** Required start variables the form has no control for (files, objects): what only a request's own `inputs` can give. */
export function requiredWithoutControl(graph: Graph): string[] {
  return startVariables(graph)
    .filter((v) => v.variable && v.required && !INPUT_FIELD_TYPES.some((t) => t === v.type))
    .map((v) => v.variable!);
}

function startVariables(graph: Graph): StartVariable[] {
  const start = graph.nodes.find((n) => n.data.type === 'start' && !n.parentId);
  return (Array.isArray(start?.data['variables']) ? start.data['variables'] : []) as StartVariable[];
}
