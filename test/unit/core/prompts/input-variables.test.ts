import { describe, expect, it } from 'vitest';
import { fillVariables, InputValueError, inputFields, resolveInputs } from '../../../../internal/core/prompts/input-variables.js';

const form = [
  { 'text-input': { label: 'Name', variable: 'name', required: true, max_length: 3 } },
  { number: { label: 'N', variable: 'n', required: false, default: '2.5' } },
  { select: { label: 'S', variable: 's', required: false, options: ['a', 'b'] } },
];

describe('input variables', () => {
  it('flattens Dify form entries into typed fields', () => {
    expect(inputFields(form).map((f) => [f.type, f.variable])).toEqual([
      ['text-input', 'name'],
      ['number', 'n'],
      ['select', 's'],
    ]);
  });

  it('takes given values, defaults and empties; drops undeclared keys', () => {
    expect(resolveInputs(form, { name: 'Bo', extra: 'x' })).toEqual({ name: 'Bo', n: 2.5, s: '' });
    expect(resolveInputs(form, { name: 'Bo', n: ' 7 ', s: 'b' })).toEqual({ name: 'Bo', n: 7, s: 'b' });
  });

  it('counts characters, not UTF-16 units, against max_length', () => {
    expect(resolveInputs(form, { name: '😀😀😀' }).name).toBe('😀😀😀');
    expect(() => resolveInputs(form, { name: 'abcd' })).toThrow(InputValueError);
  });

  it('refuses null for a required value and non-finite numbers', () => {
    expect(() => resolveInputs(form, { name: null })).toThrow('name is required in input form');
    expect(() => resolveInputs(form, { name: 'a', n: 'Infinity' })).toThrow('n in input form must be a valid number');
    expect(() => resolveInputs(form, { name: 'a', n: true })).toThrow('n in input form must be a valid number');
  });

  it('fills declared variables only, with or without spaces in the braces', () => {
    expect(fillVariables('{{name}} {{ n }} {{other}} {name} {{s}}', { name: 'Bo', n: 3, s: '' })).toBe('Bo 3 {{other}} {name} ');
    // A value holding braces is not filled again.
    expect(fillVariables('{{a}}{{b}}', { a: '{{b}}', b: 'x' })).toBe('{{b}}x');
  });
});
