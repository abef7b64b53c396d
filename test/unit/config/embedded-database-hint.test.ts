import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/config.js';
import { embeddedDatabaseHint } from '../../../config/embedded-database-hint.js';

/** The early guess must never name another folder or setting than the checked config would. */
describe('embeddedDatabaseHint', () => {
  it('names what loadConfig names, with defaults and with overrides', () => {
    for (const env of [{}, { STORAGE_DIR: ' /srv/llmops ', EMBEDDED_DB_SHARED_BUFFERS_MB: ' 64 ' }, { STORAGE_DIR: 'data' }]) {
      const config = loadConfig(env);
      expect(embeddedDatabaseHint(env)).toEqual({ storageDir: config.storageDir, sharedBuffersMb: config.embeddedDbSharedBuffersMb });
    }
  });

  it('has no guess with PostgreSQL configured, or with values loadConfig refuses', () => {
    expect(embeddedDatabaseHint({ DATABASE_URL: 'postgres://db/llmops' })).toBeUndefined();
    for (const env of [
      { STORAGE_DIR: '  ' },
      { EMBEDDED_DB_SHARED_BUFFERS_MB: 'lots' },
      { EMBEDDED_DB_SHARED_BUFFERS_MB: '0' },
      { EMBEDDED_DB_SHARED_BUFFERS_MB: '1.5' },
    ]) {
      expect(embeddedDatabaseHint(env)).toBeUndefined();
      expect(() => loadConfig(env)).toThrow();
    }
  });
});
