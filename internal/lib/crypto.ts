import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * One SECRET_KEY, several keys: each purpose (token signing, credential encryption) gets
 * its own derived key, so a key leaked from one use cannot be replayed in another.
 */
export function deriveKey(secret: string, purpose: string, bytes = 32): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'llmops', purpose, bytes));
}

const CIPHER_VERSION = 'v1';

/** AES-256-GCM; the output carries version, nonce and tag so it can be opened (and rotated) later. */
export function encryptText(key: Uint8Array, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [CIPHER_VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export function decryptText(key: Uint8Array, sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== CIPHER_VERSION || !iv || !tag || body === undefined) throw new Error('unreadable ciphertext');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** Enough of a secret to recognise it, never enough to use it. */
export function maskSecret(secret: string): string {
  if (!secret) return '';
  if (secret.length <= 8) return '*'.repeat(secret.length);
  return `${secret.slice(0, 3)}${'*'.repeat(Math.min(12, secret.length - 7))}${secret.slice(-4)}`;
}

/** What is stored of a bearer secret (API key, invitation token): looked up by it, never reversible. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
