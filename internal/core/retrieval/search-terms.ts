import { createRequire } from 'node:module';
import type * as JiebaModule from '@node-rs/jieba';
import type * as JiebaDict from '@node-rs/jieba/dict.js';

// The dictionary ships inside the package: nothing is downloaded. Both it (read whole into memory on
// import) and the native module load on the first full-text use, not at start-up: a chat never needs them.
const require = createRequire(import.meta.url);
let jieba: JiebaModule.Jieba | undefined;

function loadJieba(): JiebaModule.Jieba {
  const { Jieba: JiebaClass } = require('@node-rs/jieba') as typeof JiebaModule;
  const { dict } = require('@node-rs/jieba/dict.js') as typeof JiebaDict;
  return JiebaClass.withDict(dict);
}

/**
 * Words for full-text search: jieba cuts Chinese (and leaves Latin words whole) in search mode,
 * so '三十天' also yields '三十' and '十天'; words are lower-cased, punctuation and spaces dropped.
 */
export function searchTerms(text: string): string[] {
  jieba ??= loadJieba();
  return jieba
    .cutForSearch(text, true)
    .map((w) => w.trim().toLowerCase())
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
}

/** The text PostgreSQL's 'simple' configuration turns into the segment's tsvector. */
export function searchDocument(text: string, keywords: string[] = []): string {
  return [...searchTerms(text), ...keywords.flatMap(searchTerms)].join(' ');
}

/** A tsquery over the query's words, all of them (&) or any (|), each quoted so no word is read as an operator. */
export function searchQuery(text: string, join: '&' | '|' = '|'): string {
  const terms = [...new Set(searchTerms(text))];
  return terms.map((t) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(` ${join} `);
}

/** The most frequent words of a text (two characters or more), as a segment's keywords. */
export function topKeywords(text: string, limit = 10): string[] {
  const counts = new Map<string, number>();
  for (const term of searchTerms(text)) if ([...term].length >= 2) counts.set(term, (counts.get(term) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([term]) => term);
}
