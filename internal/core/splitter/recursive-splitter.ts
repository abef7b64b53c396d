export interface SplitOptions {
  /** Tried in order: the text is cut at the first separator that makes its pieces small enough. */
  separators: string[];
  /** Largest chunk, in tokens. */
  chunkSize: number;
  /** Tokens of the previous chunk repeated at the start of the next. */
  chunkOverlap: number;
}

/**
 * Recursive splitting: cut at the coarsest separator (paragraphs, then lines, then sentences ...),
 * cut again any piece still too large with the next separator, then pack neighbouring pieces into
 * chunks of at most `chunkSize` tokens, each starting with up to `chunkOverlap` tokens of the last.
 */
export function splitText(text: string, options: SplitOptions, countTokens: (text: string) => number): string[] {
  if (options.chunkOverlap >= options.chunkSize) throw new Error('chunk_overlap must be smaller than chunk_size');
  const pieces = atomize(text, options.separators, options.chunkSize, countTokens);
  return pack(pieces, options)
    .map((c) => c.trim())
    .filter(Boolean);
}

interface Piece {
  text: string;
  tokens: number;
}

function atomize(text: string, separators: string[], size: number, count: (text: string) => number): Piece[] {
  const tokens = count(text);
  if (tokens <= size) return text ? [{ text, tokens }] : [];
  const at = separators.findIndex((s) => s && text.includes(s));
  if (at < 0) return hardSplit(text, size, count);
  const separator = separators[at]!;
  const rest = separators.slice(at + 1);
  const parts = text.split(separator);
  // Keep the separator with the piece before it, so packed chunks read as the original.
  return parts.flatMap((part, i) => atomize(i < parts.length - 1 ? part + separator : part, rest, size, count));
}

/** No separator left: cut by characters, halving until each piece fits. */
function hardSplit(text: string, size: number, count: (text: string) => number): Piece[] {
  const chars = [...text];
  if (chars.length <= 1) return [{ text, tokens: count(text) }];
  const mid = Math.ceil(chars.length / 2);
  return [chars.slice(0, mid).join(''), chars.slice(mid).join('')].flatMap((half) => {
    const tokens = count(half);
    return tokens <= size ? [{ text: half, tokens }] : hardSplit(half, size, count);
  });
}

function pack(pieces: Piece[], { chunkSize, chunkOverlap }: SplitOptions): string[] {
  const chunks: string[] = [];
  let current: Piece[] = [];
  let used = 0;
  for (const piece of pieces) {
    if (used + piece.tokens > chunkSize && current.length > 0) {
      chunks.push(current.map((p) => p.text).join(''));
      // Carry the tail of this chunk into the next, as long as it stays within the overlap and leaves room.
      const carried: Piece[] = [];
      let carriedTokens = 0;
      for (let i = current.length - 1; i >= 0; i--) {
        const p = current[i]!;
        if (carriedTokens + p.tokens > chunkOverlap || carriedTokens + p.tokens + piece.tokens > chunkSize) break;
        carried.unshift(p);
        carriedTokens += p.tokens;
      }
      current = carried;
      used = carriedTokens;
    }
    current.push(piece);
    used += piece.tokens;
  }
  if (current.length > 0) chunks.push(current.map((p) => p.text).join(''));
  return chunks;
}
