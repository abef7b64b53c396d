/**
 * Every setting with its default. The environment variable that overrides a
 * setting is named in the comment; `config.ts` does the reading and checking.
 */
export const defaultConfig = {
  /** PORT: HTTP port the API listens on. */
  port: 5001,
  /** HOST: interface to bind; 0.0.0.0 so a self-hoster's LAN can reach it. */
  host: '0.0.0.0',
  /** NODE_ENV: development | production | test. */
  nodeEnv: 'development' as 'development' | 'production' | 'test',
  /** LOG_LEVEL: fatal | error | warn | info | debug | trace | silent. */
  logLevel: 'info' as 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent',

  /** STORAGE_DIR: runtime data (embedded database, uploads, generated secret). */
  storageDir: 'storage',
  /** DATABASE_URL: PostgreSQL URL; empty means the embedded PGlite database in STORAGE_DIR/pglite. */
  databaseUrl: '',
  /**
   * EMBEDDED_DB_SHARED_BUFFERS_MB: the embedded database's page cache. Postgres touches all of it at
   * start, so each MB costs about a MB of RSS, idle or not (PGlite's own default is 128 MB); the
   * default is enough for the chat path, and more keeps large knowledge bases in memory.
   */
  embeddedDbSharedBuffersMb: 16,
  /** DATABASE_POOL_SIZE: connections per process when DATABASE_URL is set. */
  databasePoolSize: 10,
  /**
   * REDIS_URL: `redis://...` for durable BullMQ jobs shared by workers, and for what every node must
   * see (stop requests, cache changes, rate-limit counters); empty means the in-process queue (jobs do
   * not survive a restart) and one node.
   */
  redisUrl: '',
  /** QUEUE_PREFIX: key prefix of the BullMQ queues, so several installs can share one Redis. */
  queuePrefix: 'llmops',
  /** RUN_WORKER: consume background jobs and run schedules in the API process (set false on API-only nodes). */
  runWorker: true,

  /**
   * SECRET_KEY: signs tokens and derives the encryption key; when unset, one is generated into
   * `STORAGE_DIR/secret-key`. Set it yourself when several nodes share a database.
   */
  secretKey: '',
  /** ACCESS_TOKEN_TTL_SECONDS: lifetime of a console access token. */
  accessTokenTtlSeconds: 7 * 24 * 3600,
  /** ALLOW_REGISTER: whether POST /auth/register is open. */
  allowRegister: true,
  /**
   * PUBLIC_URL: the address people reach this server at (https://llmops.example.com), used for the OAuth
   * callback and invitation links; empty means the address each request came to.
   */
  publicUrl: '',
  /** SMTP_URL: smtp://user:pass@host:587 or smtps://...; invitations are mailed when set (the inviter always gets the link). */
  smtpUrl: '',
  /** MAIL_FROM: the sender of the mail this server sends. */
  mailFrom: 'LLMOps <no-reply@localhost>',
  /** GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET: sign-in with GitHub (an OAuth app); off while empty. */
  githubClientId: '',
  githubClientSecret: '',
  /** GITHUB_URL / GITHUB_API_URL: GitHub's web and API addresses (GitHub Enterprise, or a test's fake). */
  githubUrl: 'https://github.com',
  githubApiUrl: 'https://api.github.com',
  /** GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET: sign-in with Google; off while empty. */
  googleClientId: '',
  googleClientSecret: '',
  /** GOOGLE_ISSUER_URL: Google's OpenID Connect issuer (a test's fake replaces it). */
  googleIssuerUrl: 'https://accounts.google.com',
  /**
   * OIDC_ISSUER_URL / OIDC_CLIENT_ID / OIDC_CLIENT_SECRET: sign-in with any OpenID Connect provider
   * (Keycloak, Authentik, Okta, Entra ID...), found by discovery from its issuer URL; off while empty.
   */
  oidcIssuerUrl: '',
  oidcClientId: '',
  oidcClientSecret: '',
  /** OIDC_DISPLAY_NAME: what a sign-in page calls the OpenID Connect provider. */
  oidcDisplayName: 'Single sign-on',
  /** LOGIN_MAX_FAILURES: failed logins for one email before it is locked. */
  loginMaxFailures: 5,
  /** LOGIN_LOCK_SECONDS: how long an email stays locked after too many failures. */
  loginLockSeconds: 15 * 60,
  /** CLEANUP_INTERVAL_SECONDS: how often expired login locks and revoked tokens are purged. */
  cleanupIntervalSeconds: 10 * 60,
  /** FILES_ACCESS_TIMEOUT_SECONDS: how long a signed link to an image sent in a chat stays valid. */
  fileAccessTimeoutSeconds: 3600,
  /**
   * ANALYTICS_ROLLUP_INTERVAL_SECONDS: how often messages older than ANALYTICS_ROLLUP_DELAY_SECONDS are
   * summed per app and day for `/analysis` (newer ones are read live).
   */
  analyticsRollupIntervalSeconds: 5 * 60,
  /**
   * ANALYTICS_ROLLUP_DELAY_SECONDS: messages older than this are summed per app and day for `/analysis`,
   * once their tokens and latency are final; newer ones are read live.
   */
  analyticsRollupDelaySeconds: 3600,

  /**
   * LLM_TIMEOUT_MS: longest wait for a model's answer to start, and between two streamed chunks; a model
   * call that takes longer ends as a `provider_timeout` error.
   */
  llmTimeoutMs: 60_000,
  /** LLM_MAX_RETRIES: retries of a 429/5xx from the model before its first token. */
  llmMaxRetries: 2,
  /** LLM_RETRY_BASE_MS: first retry delay; each next one doubles. */
  llmRetryBaseMs: 500,
  /**
   * EMBEDDING_INDEX_RETRIES: retries of a 429/5xx embedding call while indexing (the first waits 2 x LLM_RETRY_BASE_MS,
   * each next one doubles) before the document ends in error.
   */
  embeddingIndexRetries: 5,
  /**
   * <PROVIDER>_API_KEY / <PROVIDER>_BASE_URL (OPENAI_API_KEY, DEEPSEEK_API_KEY, MOONSHOT_API_KEY, TONGYI_API_KEY,
   * ZHIPU_API_KEY, OLLAMA_BASE_URL, OPENAI_COMPATIBLE_BASE_URL ...): server-wide credentials for self-hosters,
   * used by every account that has not set its own.
   */
  llmEnvCredentials: {} as Record<string, { apiKey: string; baseUrl: string }>,

  /** SSE_PING_INTERVAL_MS: a quiet event stream gets a `ping` event this often, so proxies keep it open. */
  ssePingIntervalMs: 10_000,
  /**
   * CONSOLE_DIR: folder of the built web console served at / (index.html and assets/); empty means web/dist
   * beside the code (what `npm ci` builds), `off` serves no console.
   */
  consoleDir: '',
  /** CORS_ORIGINS: comma-separated allowed origins, or * for any. */
  corsOrigins: '*',
  /** STORAGE_TYPE: where uploaded files go: local (STORAGE_DIR/files) or s3 (any S3-compatible store). */
  storageType: 'local' as 'local' | 's3',
  /** S3_ENDPOINT: empty for AWS itself; e.g. http://minio:9000 for a self-hosted store. */
  s3Endpoint: '',
  /** S3_REGION: the region of the bucket. */
  s3Region: 'us-east-1',
  /** S3_BUCKET: must exist. */
  s3Bucket: '',
  /** S3_ACCESS_KEY / S3_SECRET_KEY: the access key pair of the S3-compatible store. */
  s3AccessKey: '',
  s3SecretKey: '',
  /** S3_FORCE_PATH_STYLE: endpoint/bucket/key URLs (MinIO and most self-hosted stores). */
  s3ForcePathStyle: true,
  /** RATE_LIMIT_API_KEY_PER_MINUTE: service API and OpenAI-endpoint calls one app key may make per minute (across all nodes with Redis). */
  rateLimitApiKeyPerMinute: 600,
  /** RATE_LIMIT_WEB_APP_VISITOR_PER_MINUTE: messages one web-app visitor may send per minute (held in Redis across nodes when REDIS_URL is set). */
  rateLimitWebAppVisitorPerMinute: 20,
  /** UPLOAD_FILE_MAX_BYTES: largest document accepted by POST /upload-files/file. */
  uploadFileMaxBytes: 15 * 1024 * 1024,
  /** UPLOAD_IMAGE_MAX_BYTES: largest image accepted by POST /upload-files/image. */
  uploadImageMaxBytes: 10 * 1024 * 1024,
  /** BODY_LIMIT_BYTES: largest accepted JSON request body (uploads have their own limits). */
  bodyLimitBytes: 1024 * 1024,
  /**
   * SHUTDOWN_TIMEOUT_MS: how long in-flight requests and jobs may take to finish after SIGTERM; then
   * they are cut (streams end with an `error` event, answers are stored as `interrupted`, jobs go back
   * to the queue) and the process is gone within this + 5 s whatever hangs; a second signal ends it at once.
   */
  shutdownTimeoutMs: 10_000,
  /**
   * CHAT_INTERRUPTED_AFTER_SECONDS: on a PostgreSQL server shared by nodes, an answer still
   * unfinished after this long is taken for one a crashed node left, and shown as interrupted
   * (the embedded database has one process, so its start marks them all at once).
   */
  chatInterruptedAfterSeconds: 600,

  /**
   * SSRF_ALLOW_HOSTS: comma-separated `host` or `host:port` that server-side fetches (tools, OpenAPI
   * imports, MCP servers) may reach although they are loopback or private; everything else must resolve
   * to public addresses.
   */
  ssrfAllowHosts: '',
  /** OUTBOUND_TIMEOUT_MS: longest a server-side fetch may take, redirects included. */
  outboundTimeoutMs: 15_000,
  /** OUTBOUND_MAX_BYTES: largest answer a server-side fetch reads. */
  outboundMaxBytes: 5 * 1024 * 1024,
  /** TOOL_TIMEOUT_MS: longest one tool call of an agent may run; then its observation says it timed out. */
  toolTimeoutMs: 30_000,
  /** WORKFLOW_MAX_STEPS: most node runs one workflow run may make (Dify's limit). */
  workflowMaxSteps: 500,
  /** WORKFLOW_TIMEOUT_SECONDS: longest one workflow run may take; past it the run fails. */
  workflowTimeoutSeconds: 1200,
  /** WORKFLOW_MAX_VARIABLE_BYTES: largest value one workflow variable may hold (Dify's 200 KB); a node whose output is larger fails. */
  workflowMaxVariableBytes: 200 * 1024,
  /**
   * WORKFLOW_MAX_CALL_DEPTH: how deep workflows may run workflows as tools (Dify's 5); a deeper call
   * answers the calling agent or node with an error.
   */
  workflowMaxCallDepth: 5,
  /** CODE_TIMEOUT_MS: longest a code node or a template may run in the sandbox. */
  codeTimeoutMs: 10_000,
  /** CODE_MEMORY_MB: heap of one sandbox job (code, template). */
  codeMemoryMb: 64,
  /** CODE_SANDBOX_PROCESSES: sandbox processes kept warm once the first job has run. */
  codeSandboxProcesses: 2,
  /** WIKIPEDIA_API_URL: the MediaWiki API the wikipedia tool asks (the tests point it at a local fake). */
  wikipediaApiUrl: 'https://en.wikipedia.org/w/api.php',
  /** DUCKDUCKGO_URL: the DuckDuckGo HTML endpoint the search tool reads. */
  duckduckgoUrl: 'https://html.duckduckgo.com/html/',
};

export type DefaultConfig = typeof defaultConfig;
