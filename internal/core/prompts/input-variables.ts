import { INPUT_FIELD_TYPES, type InputFieldSpec, type InputFieldType, type UserInputFormItem } from '../../entity/app-config-entity.js';

export type InputField = InputFieldSpec & { type: InputFieldType };
export type InputValues = Record<string, string | number>;

/** A value that does not fit the app's input form; the message is Dify's, so its clients show the same text. */
export class InputValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputValueError';
  }
}

export function inputFields(form: UserInputFormItem[]): InputField[] {
  return form.flatMap((item) => {
    const type = INPUT_FIELD_TYPES.find((t) => item[t]);
    return type ? [{ ...item[type]!, type }] : [];
  });
}

/**
 * The values a conversation runs with: each form variable from `given` (checked against its control), else its
 * default, else empty. Keys the form does not declare are dropped, so a caller cannot inject other variables.
 */
export function resolveInputs(form: UserInputFormItem[], given: Record<string, unknown>): InputValues {
  const values: InputValues = {};
  for (const field of inputFields(form)) {
    const raw = given[field.variable];
    const missing = raw === undefined || raw === null || raw === '';
    if (missing) {
      if (field.required) throw new InputValueError(`${field.variable} is required in input form`);
      values[field.variable] = field.type === 'number' && field.default ? Number(field.default) : (field.default ?? '');
      continue;
    }
    values[field.variable] = checkValue(field, raw);
  }
  return values;
}

function checkValue(field: InputField, raw: unknown): string | number {
  if (field.type === 'number') {
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new InputValueError(`${field.variable} in input form must be a valid number`);
    return value;
  }
  if (typeof raw !== 'string') throw new InputValueError(`${field.variable} in input form must be a string`);
  if (field.type === 'select' && !(field.options ?? []).includes(raw)) {
    throw new InputValueError(`${field.variable} in input form must be one of the following: ${JSON.stringify(field.options ?? [])}`);
  }
  if (field.max_length !== undefined && [...raw].length > field.max_length) {
    throw new InputValueError(`${field.variable} in input form must be less than ${field.max_length} characters`);
  }
  return raw;
}

/** `{{variable}}` of a declared variable becomes its value; anything else in braces is left as written. */
export function fillVariables(template: string, values: InputValues): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}
