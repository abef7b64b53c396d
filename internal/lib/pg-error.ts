import { FailError } from '../exception/app-error.js';

/** PostgreSQL's SQLSTATE for a unique-constraint violation, found on the error or its cause (Drizzle wraps). */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

/**
 * The write, with a unique-constraint violation turned into `fail` with `message` (a name already
 * taken, say): the constraint is what decides under concurrency, so the message comes from it.
 */
export async function unlessDuplicate<T>(write: Promise<T>, message: string): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (isUniqueViolation(err)) throw new FailError(message);
    throw err;
  }
}

/** LIKE pattern matching `word` literally anywhere. */
export function containsPattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
