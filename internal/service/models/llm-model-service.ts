import { and, eq, sql } from 'drizzle-orm';
import type { CustomModel, ModelCatalog, ModelSpec, ProviderSpec } from '../../core/llm/model-catalog.js';
import { LlmError, type LlmProvider } from '../../core/llm/llm-types.js';
import { OpenAiCompatibleProvider } from '../../core/llm/openai-compatible-provider.js';
import type { ChangeFeed } from '../../extension/change-feed.js';
import type { Db } from '../../extension/database.js';
import { FailError, NotFoundError } from '../../exception/app-error.js';
import { decryptText, deriveKey, encryptText, maskSecret } from '../../lib/crypto.js';
import { providerCredentials, type ProviderCredential } from '../../model/provider-credential.js';
import { credentialsTag, HotCache } from '../../lib/hot-cache.js';

export interface LlmSettings {
  secretKey: string;
  llmTimeoutMs: number;
  llmEnvCredentials: Record<string, { apiKey: string; baseUrl: string }>;
}

export interface CredentialStatus {
  configured: boolean;
  source: 'account' | 'environment' | null;
  baseUrl: string;
  apiKeyMasked: string;
}

export interface ProviderView {
  provider: ProviderSpec;
  models: ModelSpec[];
  credential: CredentialStatus;
}

export interface CredentialInput {
  api_key?: string | undefined;
  base_url?: string | undefined;
  models?: CustomModel[] | undefined;
  validate: boolean;
}

/** What a chat needs to call a model: the client, the model's spec and where the key came from. */
export interface ResolvedModel {
  llm: LlmProvider;
  spec: ModelSpec;
}

interface Resolved {
  apiKey: string;
  baseUrl: string;
  models: CustomModel[];
  source: 'account' | 'environment';
}

/** The model catalog as an account sees it, and the account's provider credentials. */
export class LlmModelService {
  private readonly key: Uint8Array;
  private readonly credentialRow: ReturnType<typeof prepareCredentialRow>;
  /** Decrypted credentials and their client per account and provider: read on every chat. */
  private readonly cache: HotCache<{ resolved: Resolved | undefined; llm?: LlmProvider }>;

  constructor(
    private readonly db: Db,
    private readonly catalog: ModelCatalog,
    private readonly settings: LlmSettings,
    private readonly feed: ChangeFeed,
  ) {
    this.key = deriveKey(settings.secretKey, 'provider-credentials');
    this.credentialRow = prepareCredentialRow(db);
    this.cache = new HotCache(feed);
  }

  async listProviders(workspaceId: string): Promise<ProviderView[]> {
    const rows = await this.db.select().from(providerCredentials).where(eq(providerCredentials.workspaceId, workspaceId));
    return this.catalog.list().map((provider) => {
      const resolved = this.resolveCredentials(
        provider,
        rows.find((r) => r.provider === provider.id),
      );
      return { provider, models: this.catalog.models(provider.id, resolved?.models), credential: this.status(provider, resolved) };
    });
  }

  async getModel(workspaceId: string, providerId: string, model: string): Promise<ModelSpec> {
    const provider = this.requireProvider(providerId);
    const resolved = await this.credentialsOf(workspaceId, provider);
    const spec = this.catalog.model(providerId, model, resolved?.models);
    if (!spec) throw new NotFoundError(`model ${model} of provider ${providerId} not found`);
    return spec;
  }

  async saveCredentials(workspaceId: string, providerId: string, input: CredentialInput): Promise<CredentialStatus> {
    const provider = this.requireProvider(providerId);
    const [existing] = await this.db
      .select()
      .from(providerCredentials)
      .where(and(eq(providerCredentials.workspaceId, workspaceId), eq(providerCredentials.provider, providerId)))
      .limit(1);
    // A key left out keeps the stored one, so a client can change the base URL without re-sending it.
    const apiKey = input.api_key ?? (existing ? this.decrypt(existing.apiKeyEncrypted) : '');
    const baseUrl = input.base_url ?? existing?.baseUrl ?? '';
    const models = input.models ?? existing?.models ?? [];
    if (provider.apiKeyRequired && !apiKey) throw new FailError(`${provider.label} needs an api_key`);
    if (!(baseUrl || provider.baseUrl)) throw new FailError(`${provider.label} needs a base_url`);
    if (provider.customModels && models.length === 0) throw new FailError(`${provider.label} needs at least one model in models`);
    if (input.validate) await this.testCall(provider, { apiKey, baseUrl, models, source: 'account' });

    const values = { apiKeyEncrypted: apiKey ? encryptText(this.key, apiKey) : '', baseUrl, models, updatedAt: new Date() };
    await this.db
      .insert(providerCredentials)
      .values({ workspaceId, provider: providerId, ...values })
      .onConflictDoUpdate({ target: [providerCredentials.workspaceId, providerCredentials.provider], set: values });
    await this.feed.publish(credentialsTag(workspaceId));
    return this.status(provider, { apiKey, baseUrl, models, source: 'account' });
  }

  /** The account's credentials, else the server's from the environment; a clear error when neither exists. */
  async resolve(workspaceId: string, providerId: string, model: string): Promise<ResolvedModel> {
    const provider = this.catalog.provider(providerId);
    if (!provider) throw new FailError(`model provider ${providerId} is not available`);
    const entry = (await this.cache.get(
      `${workspaceId}:${providerId}`,
      async () => {
        const resolved = await this.credentialsOf(workspaceId, provider);
        return { resolved, llm: resolved && this.client(provider, resolved) };
      },
      () => [credentialsTag(workspaceId)],
    ))!;
    const { resolved } = entry;
    if (!resolved) {
      throw new FailError(
        `no credentials for ${provider.label}: set them with POST /llm-models/${providerId}/credentials` +
          ` or ${providerId.toUpperCase()}_API_KEY on the server`,
      );
    }
    const spec = this.catalog.model(providerId, model, resolved.models);
    if (!spec) throw new FailError(`model ${model} of provider ${providerId} is not available`);
    return { llm: entry.llm!, spec };
  }

  /** The key and endpoint a tool may borrow (dalle uses the OpenAI provider's), as a chat would resolve them. */
  async providerKeys(workspaceId: string, providerId: string): Promise<{ apiKey: string; baseUrl: string } | undefined> {
    const provider = this.catalog.provider(providerId);
    if (!provider) return undefined;
    const resolved = await this.credentialsOf(workspaceId, provider);
    return resolved && { apiKey: resolved.apiKey, baseUrl: resolved.baseUrl || provider.baseUrl };
  }

  private async credentialsOf(workspaceId: string, provider: ProviderSpec): Promise<Resolved | undefined> {
    const [row] = await this.credentialRow.execute({ workspaceId, provider: provider.id });
    return this.resolveCredentials(provider, row);
  }

  private resolveCredentials(provider: ProviderSpec, row: ProviderCredential | undefined): Resolved | undefined {
    if (row) return { apiKey: this.decrypt(row.apiKeyEncrypted), baseUrl: row.baseUrl, models: row.models, source: 'account' };
    const env = this.settings.llmEnvCredentials[provider.id];
    if (env && (env.apiKey || !provider.apiKeyRequired)) return { ...env, models: [], source: 'environment' };
    return undefined;
  }

  private status(provider: ProviderSpec, resolved: Resolved | undefined): CredentialStatus {
    return {
      configured: resolved !== undefined,
      source: resolved?.source ?? null,
      baseUrl: resolved?.baseUrl || provider.baseUrl,
      apiKeyMasked: maskSecret(resolved?.apiKey ?? ''),
    };
  }

  private client(provider: ProviderSpec, resolved: Resolved): LlmProvider {
    return new OpenAiCompatibleProvider({
      baseUrl: resolved.baseUrl || provider.baseUrl,
      apiKey: resolved.apiKey,
      timeoutMs: this.settings.llmTimeoutMs,
    });
  }

  /** One real, one-token call to the provider's first chat model: proves key, URL and model together. */
  private async testCall(provider: ProviderSpec, resolved: Resolved): Promise<void> {
    const model = this.catalog.models(provider.id, resolved.models).find((m) => m.type === 'chat');
    if (!model) return;
    try {
      await this.client(provider, resolved).chat({
        model: model.model,
        messages: [{ role: 'user', content: 'ping' }],
        parameters: { max_tokens: 1 },
      });
    } catch (err) {
      if (err instanceof LlmError) throw new FailError(`credentials check failed: ${err.message}`, { kind: err.kind });
      throw err;
    }
  }

  private requireProvider(providerId: string): ProviderSpec {
    const provider = this.catalog.provider(providerId);
    if (!provider) throw new NotFoundError(`model provider ${providerId} not found`);
    return provider;
  }

  private decrypt(sealed: string): string {
    return sealed ? decryptText(this.key, sealed) : '';
  }
}

/** Read on every chat. */
function prepareCredentialRow(db: Db) {
  return db
    .select()
    .from(providerCredentials)
    .where(
      and(
        eq(providerCredentials.workspaceId, sql.placeholder('workspaceId')),
        eq(providerCredentials.provider, sql.placeholder('provider')),
      ),
    )
    .limit(1)
    .prepare('provider_credential');
}
