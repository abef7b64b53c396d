import { sql } from 'drizzle-orm';
import { countTextTokens } from '../../core/llm/token-counter.js';
import { searchDocument, topKeywords } from '../../core/retrieval/search-terms.js';

/** The stored form of a segment's text: counts, keywords and the full-text vector over its words. */
export function segmentValues(content: string, keywords?: string[]) {
  const words = keywords ?? topKeywords(content);
  return {
    content,
    keywords: words,
    characterCount: [...content].length,
    tokenCount: countTextTokens(content),
    tsv: sql<string>`to_tsvector('simple', ${searchDocument(content, words)})`,
  };
}
