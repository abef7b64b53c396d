import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, ensureSecretKey, loadConfig } from '../../../config/config.js';
import { defaultConfig } from '../../../config/default-config.js';

describe('loadConfig', () => {
  it('gives the defaults with an empty environment', () => {
    expect(loadConfig({})).toEqual(defaultConfig);
    expect(defaultConfig.port).toBe(5001);
    expect(defaultConfig.storageDir).toBe('storage');
  });

  it('reads and converts environment overrides', () => {
    const config = loadConfig({
      PORT: '8080',
      ALLOW_REGISTER: 'false',
      RUN_WORKER: '0',
      DATABASE_URL: 'postgres://u@h/db',
      CORS_ORIGINS: 'a,b',
    });
    expect(config).toMatchObject({
      port: 8080,
      allowRegister: false,
      runWorker: false,
      databaseUrl: 'postgres://u@h/db',
      corsOrigins: 'a,b',
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['ALLOW_REGISTER', 'maybe'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://x'],
    ['SECRET_KEY', 'too-short'],
    ['LOG_LEVEL', 'loud'],
  ])('names the bad variable %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid environment variable: ${name}=`));
  });

  it('needs a bucket for S3 storage, and reads the S3 settings', () => {
    expect(() => loadConfig({ STORAGE_TYPE: 's3' })).toThrow(/S3_BUCKET: required when STORAGE_TYPE=s3/);
    expect(() => loadConfig({ STORAGE_TYPE: 'ftp' })).toThrow(/^Invalid environment variable: STORAGE_TYPE=/);
    const config = loadConfig({ STORAGE_TYPE: 's3', S3_BUCKET: 'files', S3_ENDPOINT: 'http://minio:9000', S3_FORCE_PATH_STYLE: 'false' });
    expect(config).toMatchObject({ storageType: 's3', s3Bucket: 'files', s3Endpoint: 'http://minio:9000', s3ForcePathStyle: false });
  });

  it('lists every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', BODY_LIMIT_BYTES: '1' })).toThrow(/variables: PORT=.*BODY_LIMIT_BYTES=/);
  });
});

describe('ensureSecretKey', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  const storage = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'llmops-secret-'));
    dirs.push(dir);
    return dir;
  };

  it('keeps an explicit SECRET_KEY', async () => {
    const storageDir = await storage();
    const config = ensureSecretKey(loadConfig({ SECRET_KEY: 'k'.repeat(40), STORAGE_DIR: storageDir }));
    expect(config.secretKey).toBe('k'.repeat(40));
  });

  it('generates one key into the storage directory and reuses it', async () => {
    const storageDir = await storage();
    const first = ensureSecretKey(loadConfig({ STORAGE_DIR: storageDir }));
    const second = ensureSecretKey(loadConfig({ STORAGE_DIR: storageDir }));
    expect(first.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(second.secretKey).toBe(first.secretKey);
    expect((await readFile(path.join(storageDir, 'secret-key'), 'utf8')).trim()).toBe(first.secretKey);
  });

  it('refuses a stored key that is too short', async () => {
    const storageDir = await storage();
    await writeFile(path.join(storageDir, 'secret-key'), 'short');
    expect(() => ensureSecretKey(loadConfig({ STORAGE_DIR: storageDir }))).toThrow(/shorter than 32/);
  });
});
