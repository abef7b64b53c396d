import { hkdfSync } from 'node:crypto';

/**
 * One SECRET_KEY, several keys: each purpose (token signing, credential encryption) gets
 * its own derived key, so a key leaked from one use cannot be replayed in another.
 */
export function deriveKey(secret: string, purpose: string, bytes = 32): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'llmops', purpose, bytes));
}
