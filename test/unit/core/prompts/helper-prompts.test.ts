import { describe, expect, it } from 'vitest';
import { cleanTitle, parseQuestions } from '../../../../internal/core/prompts/helper-prompts.js';

describe('parseQuestions', () => {
  it('reads a JSON array, even wrapped in prose or a code fence', () => {
    expect(parseQuestions('["A?","B?","C?"]')).toEqual(['A?', 'B?', 'C?']);
    expect(parseQuestions('Sure!\n```json\n["A?", "B?", "C?", "D?"]\n```')).toEqual(['A?', 'B?', 'C?']);
  });

  it('falls back to one question per line, without list markers or quotes', () => {
    expect(parseQuestions('1. "Where?"\n- When?\n\n* Why?')).toEqual(['Where?', 'When?', 'Why?']);
  });

  it('ignores non-string items and returns nothing for an empty reply', () => {
    expect(parseQuestions('["A?", 3, null, "B?"]')).toEqual(['A?', 'B?']);
    expect(parseQuestions('   ')).toEqual([]);
  });
});

describe('cleanTitle', () => {
  it('keeps the first line, strips wrapping quotes and a final full stop, and bounds the length', () => {
    expect(cleanTitle('"Trip to Lisbon."\nextra', 100)).toBe('Trip to Lisbon');
    expect(cleanTitle('“旅行计划。”', 100)).toBe('旅行计划');
    expect(cleanTitle('x'.repeat(50), 10)).toBe('x'.repeat(10));
  });
});
