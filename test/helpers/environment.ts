/**
 * Which real backends this run has. PGlite is always there; PostgreSQL and Redis only when
 * CI (or a developer) points the suite at them, and the skip reason says how.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? '';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? '';

export type DbKind = 'pglite' | 'postgres';

export interface Backend {
  name: string;
  db: DbKind;
  redis: boolean;
  /** Why this backend does not run here, or '' when it does. */
  skipReason: string;
}

export const backends: Backend[] = [
  { name: 'pglite + in-process queue', db: 'pglite', redis: false, skipReason: '' },
  {
    name: 'postgres + redis',
    db: 'postgres',
    redis: true,
    skipReason: !TEST_DATABASE_URL
      ? 'TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)'
      : !TEST_REDIS_URL
        ? 'TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379)'
        : '',
  },
];

/** Names the describe block so a skipped backend says why in the test report. */
export function backendTitle(backend: Backend): string {
  return backend.skipReason ? `${backend.name} (skipped: ${backend.skipReason})` : backend.name;
}
