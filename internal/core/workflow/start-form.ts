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
}

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
