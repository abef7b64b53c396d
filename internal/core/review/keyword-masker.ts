/** True when `text` contains any keyword, case-insensitively. */
export function containsKeyword(text: string, keywords: string[]): boolean {
  const lower = text.toLowerCase();
  return keywords.some((k) => k && lower.includes(k.toLowerCase()));
}

/**
 * Masks keywords in streamed text. A keyword may arrive split across chunks, so the last
 * (longest keyword - 1) characters are held back until the next chunk or the end decides them.
 */
export class KeywordMasker {
  private pending = '';
  private readonly holdBack: number;
  private readonly pattern: RegExp | undefined;

  constructor(keywords: string[]) {
    const words = keywords.filter(Boolean);
    this.holdBack = Math.max(0, ...words.map((k) => k.length - 1));
    this.pattern = words.length ? new RegExp(words.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu') : undefined;
  }

  /** Text that is safe to send now. */
  push(chunk: string): string {
    if (!this.pattern) return chunk;
    const masked = this.mask(this.pending + chunk);
    const cut = Math.max(0, masked.length - this.holdBack);
    this.pending = masked.slice(cut);
    return masked.slice(0, cut);
  }

  /** What was held back, at the end of the stream. */
  flush(): string {
    const rest = this.pattern ? this.mask(this.pending) : this.pending;
    this.pending = '';
    return rest;
  }

  mask(text: string): string {
    return this.pattern ? text.replace(this.pattern, (m) => '*'.repeat(m.length)) : text;
  }
}
