import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/config.js';
import { loadLlmClients } from '../../internal/core/llm/openai-compatible-provider.js';
import { LocalFileStorage, type FileStorage } from '../../internal/extension/file-storage.js';
import { anyOAuthProvider } from '../../internal/extension/oauth-providers.js';
import { loadPasswordHasher } from '../../internal/lib/password.js';
import { loadJose } from '../../internal/service/identity/token-service.js';

// What the process loads only when it is used, so start-up does not pay for it.

/**
 * What start-up leaves out because no request has needed it yet (the model clients, JWT, password
 * hashing), loaded once the server listens so the first requests do not wait for it.
 */
export async function loadDeferredModules(): Promise<void> {
  await Promise.all([loadLlmClients(), loadJose(), loadPasswordHasher()]);
}

/** The OpenID client costs start-up time, so it loads only when a provider is on. */
export async function createOAuthProviders(config: Config) {
  if (!anyOAuthProvider(config)) return new Map();
  const { createOAuthProviders: create } = await import('../../internal/extension/oauth-clients.js');
  return create(config);
}

export async function createFileStorage(config: Config): Promise<FileStorage> {
  if (config.storageType === 's3') {
    // The AWS SDK loads only when S3 is the storage: it costs start-up time the embedded default does not need.
    const { S3FileStorage } = await import('../../internal/extension/s3-file-storage.js');
    return new S3FileStorage({
      endpoint: config.s3Endpoint,
      region: config.s3Region,
      bucket: config.s3Bucket,
      accessKeyId: config.s3AccessKey,
      secretAccessKey: config.s3SecretKey,
      forcePathStyle: config.s3ForcePathStyle,
    });
  }
  const filesDir = path.join(config.storageDir, 'files');
  mkdirSync(filesDir, { recursive: true });
  return new LocalFileStorage(filesDir);
}
