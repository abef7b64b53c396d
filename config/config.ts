import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { defaultConfig } from './default-config.js';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = (protocols: string[]) =>
  z.string().refine((v) => v === '' || protocols.some((p) => v.startsWith(`${p}://`)), {
    message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
  });

/** Environment variable -> [config key, parser]. The only place env names are spelled. */
const envSchema = {
  PORT: ['port', int(0, 65535)],
  HOST: ['host', z.string().min(1)],
  NODE_ENV: ['nodeEnv', z.enum(['development', 'production', 'test'])],
  LOG_LEVEL: ['logLevel', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])],
  STORAGE_DIR: ['storageDir', z.string().min(1)],
  DATABASE_URL: ['databaseUrl', url(['postgres', 'postgresql'])],
  EMBEDDED_DB_SHARED_BUFFERS_MB: ['embeddedDbSharedBuffersMb', int(1, 4096)],
  DATABASE_POOL_SIZE: ['databasePoolSize', int(1, 1000)],
  REDIS_URL: ['redisUrl', url(['redis', 'rediss'])],
  QUEUE_PREFIX: ['queuePrefix', z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only')],
  RUN_WORKER: ['runWorker', bool],
  SECRET_KEY: ['secretKey', z.string().min(32, 'must be at least 32 characters').or(z.literal(''))],
  ACCESS_TOKEN_TTL_SECONDS: ['accessTokenTtlSeconds', int(60, 365 * 24 * 3600)],
  ALLOW_REGISTER: ['allowRegister', bool],
  PUBLIC_URL: ['publicUrl', url(['http', 'https'])],
  SMTP_URL: ['smtpUrl', url(['smtp', 'smtps'])],
  MAIL_FROM: ['mailFrom', z.string().min(3).max(255)],
  GITHUB_CLIENT_ID: ['githubClientId', z.string()],
  GITHUB_CLIENT_SECRET: ['githubClientSecret', z.string()],
  GITHUB_URL: ['githubUrl', url(['http', 'https'])],
  GITHUB_API_URL: ['githubApiUrl', url(['http', 'https'])],
  GOOGLE_CLIENT_ID: ['googleClientId', z.string()],
  GOOGLE_CLIENT_SECRET: ['googleClientSecret', z.string()],
  GOOGLE_ISSUER_URL: ['googleIssuerUrl', url(['http', 'https'])],
  OIDC_ISSUER_URL: ['oidcIssuerUrl', url(['http', 'https'])],
  OIDC_CLIENT_ID: ['oidcClientId', z.string()],
  OIDC_CLIENT_SECRET: ['oidcClientSecret', z.string()],
  OIDC_DISPLAY_NAME: ['oidcDisplayName', z.string().min(1).max(64)],
  LOGIN_MAX_FAILURES: ['loginMaxFailures', int(1, 1000)],
  LOGIN_LOCK_SECONDS: ['loginLockSeconds', int(1, 30 * 24 * 3600)],
  CLEANUP_INTERVAL_SECONDS: ['cleanupIntervalSeconds', int(1, 7 * 24 * 3600)],
  FILES_ACCESS_TIMEOUT_SECONDS: ['fileAccessTimeoutSeconds', int(10, 7 * 24 * 3600)],
  ANALYTICS_ROLLUP_INTERVAL_SECONDS: ['analyticsRollupIntervalSeconds', int(1, 24 * 3600)],
  ANALYTICS_ROLLUP_DELAY_SECONDS: ['analyticsRollupDelaySeconds', int(0, 7 * 24 * 3600)],
  LLM_TIMEOUT_MS: ['llmTimeoutMs', int(100, 30 * 60 * 1000)],
  LLM_MAX_RETRIES: ['llmMaxRetries', int(0, 10)],
  LLM_RETRY_BASE_MS: ['llmRetryBaseMs', int(0, 60_000)],
  EMBEDDING_INDEX_RETRIES: ['embeddingIndexRetries', int(0, 20)],
  SSE_PING_INTERVAL_MS: ['ssePingIntervalMs', int(10, 10 * 60 * 1000)],
  CONSOLE_DIR: ['consoleDir', z.string()],
  CORS_ORIGINS: ['corsOrigins', z.string()],
  BODY_LIMIT_BYTES: ['bodyLimitBytes', int(1024, 1024 * 1024 * 1024)],
  STORAGE_TYPE: ['storageType', z.enum(['local', 's3'])],
  S3_ENDPOINT: ['s3Endpoint', url(['http', 'https']).or(z.literal(''))],
  S3_REGION: ['s3Region', z.string().min(1)],
  S3_BUCKET: ['s3Bucket', z.string()],
  S3_ACCESS_KEY: ['s3AccessKey', z.string()],
  S3_SECRET_KEY: ['s3SecretKey', z.string()],
  S3_FORCE_PATH_STYLE: ['s3ForcePathStyle', bool],
  RATE_LIMIT_API_KEY_PER_MINUTE: ['rateLimitApiKeyPerMinute', int(1, 1_000_000)],
  RATE_LIMIT_WEB_APP_VISITOR_PER_MINUTE: ['rateLimitWebAppVisitorPerMinute', int(1, 1_000_000)],
  UPLOAD_FILE_MAX_BYTES: ['uploadFileMaxBytes', int(1, 1024 * 1024 * 1024)],
  UPLOAD_IMAGE_MAX_BYTES: ['uploadImageMaxBytes', int(1, 1024 * 1024 * 1024)],
  SHUTDOWN_TIMEOUT_MS: ['shutdownTimeoutMs', int(0, 10 * 60 * 1000)],
  CHAT_INTERRUPTED_AFTER_SECONDS: ['chatInterruptedAfterSeconds', int(60, 7 * 24 * 3600)],
  SSRF_ALLOW_HOSTS: ['ssrfAllowHosts', z.string()],
  OUTBOUND_TIMEOUT_MS: ['outboundTimeoutMs', int(100, 10 * 60 * 1000)],
  OUTBOUND_MAX_BYTES: ['outboundMaxBytes', int(1024, 1024 * 1024 * 1024)],
  TOOL_TIMEOUT_MS: ['toolTimeoutMs', int(100, 10 * 60 * 1000)],
  WORKFLOW_MAX_STEPS: ['workflowMaxSteps', int(1, 100_000)],
  WORKFLOW_TIMEOUT_SECONDS: ['workflowTimeoutSeconds', int(1, 24 * 3600)],
  WORKFLOW_MAX_VARIABLE_BYTES: ['workflowMaxVariableBytes', int(1024, 64 * 1024 * 1024)],
  WORKFLOW_MAX_CALL_DEPTH: ['workflowMaxCallDepth', int(0, 50)],
  CODE_TIMEOUT_MS: ['codeTimeoutMs', int(100, 10 * 60 * 1000)],
  CODE_MEMORY_MB: ['codeMemoryMb', int(16, 4096)],
  CODE_SANDBOX_PROCESSES: ['codeSandboxProcesses', int(1, 64)],
  WIKIPEDIA_API_URL: ['wikipediaApiUrl', url(['http', 'https'])],
  DUCKDUCKGO_URL: ['duckduckgoUrl', url(['http', 'https'])],
} as const satisfies Record<string, readonly [keyof typeof defaultConfig, z.ZodType]>;

export type Config = typeof defaultConfig;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Builds the typed config from defaults, then the environment, then explicit overrides (tests). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const config: Record<string, unknown> = { ...defaultConfig };
  const problems: string[] = [];
  for (const [name, [key, parser]] of Object.entries(envSchema)) {
    const raw = env[name];
    if (raw === undefined) continue;
    const parsed = (parser as z.ZodType).safeParse(raw.trim());
    if (parsed.success) config[key] = parsed.data;
    else problems.push(`${name}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  config.llmEnvCredentials = readLlmEnvCredentials(env, problems);
  const result = { ...(config as Config), ...overrides };
  if (result.storageType === 's3' && !result.s3Bucket) problems.push('S3_BUCKET: required when STORAGE_TYPE=s3');
  for (const [id, secret, name] of [
    [result.githubClientId, result.githubClientSecret, 'GITHUB'],
    [result.googleClientId, result.googleClientSecret, 'GOOGLE'],
    [result.oidcClientId, result.oidcClientSecret, 'OIDC'],
  ] as const) {
    if (Boolean(id) !== Boolean(secret)) problems.push(`${name}_CLIENT_ID and ${name}_CLIENT_SECRET: set both or neither`);
  }
  if (result.oidcClientId && !result.oidcIssuerUrl) problems.push('OIDC_ISSUER_URL: required when OIDC_CLIENT_ID is set');
  if (problems.length > 0) {
    throw new ConfigError(`Invalid environment variable${problems.length > 1 ? 's' : ''}: ${problems.join(', ')}`);
  }
  return result;
}

/** Providers whose server-wide credentials may come from the environment, by their catalog id. */
const LLM_ENV_PROVIDERS = ['openai', 'deepseek', 'moonshot', 'tongyi', 'zhipu', 'ollama', 'openai_compatible'];

function readLlmEnvCredentials(env: NodeJS.ProcessEnv, problems: string[]): Record<string, { apiKey: string; baseUrl: string }> {
  const found: Record<string, { apiKey: string; baseUrl: string }> = {};
  for (const provider of LLM_ENV_PROVIDERS) {
    const prefix = provider.toUpperCase();
    const apiKey = env[`${prefix}_API_KEY`]?.trim() ?? '';
    const baseUrl = env[`${prefix}_BASE_URL`]?.trim() ?? '';
    if (baseUrl && !URL.canParse(baseUrl)) problems.push(`${prefix}_BASE_URL=${JSON.stringify(baseUrl)}: must be a URL`);
    if (apiKey || baseUrl) found[provider] = { apiKey, baseUrl };
  }
  return found;
}

/**
 * SECRET_KEY is required for tokens and encryption. A self-hoster who did not set one gets
 * a random key generated once into STORAGE_DIR, so tokens stay valid across restarts.
 */
export function ensureSecretKey(config: Config): Config {
  if (config.secretKey) return config;
  const file = path.join(config.storageDir, 'secret-key');
  if (!existsSync(file)) {
    mkdirSync(config.storageDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process starting at the same moment wrote it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const key = readFileSync(file, 'utf8').trim();
  if (key.length < 32) throw new ConfigError(`${file} holds a key shorter than 32 characters; delete it or set SECRET_KEY`);
  return { ...config, secretKey: key };
}
