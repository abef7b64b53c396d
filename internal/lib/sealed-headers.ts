import { decryptText, deriveKey, encryptText, maskSecret } from './crypto.js';

export type Header = { key: string; value: string };

/**
 * Headers a tool sends (often a key), kept as one encrypted JSON text and shown masked. A header sent
 * back still masked (a form left unchanged) keeps the value stored before.
 */
export class SealedHeaders {
  private readonly key: Uint8Array;

  constructor(secretKey: string, purpose: string) {
    this.key = deriveKey(secretKey, purpose);
  }

  seal(headers: readonly Header[], previousSealed = ''): string {
    const previous = this.open(previousSealed);
    const kept = headers.map((h) => {
      const old = previous.find((p) => p.key.toLowerCase() === h.key.toLowerCase());
      return old && h.value === maskSecret(old.value) ? old : h;
    });
    return kept.length > 0 ? encryptText(this.key, JSON.stringify(kept)) : '';
  }

  open(sealed: string): Header[] {
    return sealed ? (JSON.parse(decryptText(this.key, sealed)) as Header[]) : [];
  }

  masked(sealed: string): Header[] {
    return this.open(sealed).map((h) => ({ key: h.key, value: maskSecret(h.value) }));
  }

  /** As request headers: lower-case names. */
  record(sealed: string): Record<string, string> {
    return Object.fromEntries(this.open(sealed).map((h) => [h.key.toLowerCase(), h.value]));
  }
}
