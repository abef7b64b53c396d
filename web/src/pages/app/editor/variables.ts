import type { DraftConfig } from '../../../api/types';

export const FIELD_TYPES = ['text-input', 'paragraph', 'select', 'number'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** An input variable as the editor's form holds it (Dify stores `{ <type>: {...} }`). */
export interface FlatVariable {
  type: FieldType;
  variable: string;
  label: string;
  required: boolean;
  options?: string[];
  max_length?: number;
}

type FormItem = DraftConfig['user_input_form'][number];

export function flatten(form: DraftConfig['user_input_form']): FlatVariable[] {
  return form.flatMap((item) => {
    const type = FIELD_TYPES.find((t) => (item as Record<string, unknown>)[t]);
    if (!type) return [];
    const spec = (item as Record<FieldType, Omit<FlatVariable, 'type'>>)[type];
    return [
      {
        type,
        variable: spec.variable,
        label: spec.label,
        required: spec.required ?? false,
        options: spec.options,
        max_length: spec.max_length,
      },
    ];
  });
}

export function nest(variables: FlatVariable[]): FormItem[] {
  return variables.map(({ type, ...spec }) => {
    const clean = { ...spec, label: spec.label || spec.variable, options: type === 'select' ? (spec.options ?? []) : undefined };
    return { [type]: clean } as FormItem;
  });
}
