import { and, eq, inArray } from 'drizzle-orm';
import { builtinProvider } from '../../core/tools/builtin-catalog.js';
import type { BuiltinProvider } from '../../core/tools/tool-types.js';
import type { Db } from '../../extension/database.js';
import { FailError, NotFoundError, ValidationError } from '../../exception/app-error.js';
import { decryptText, deriveKey, encryptText, maskSecret } from '../../lib/crypto.js';
import { builtinToolCredentials } from '../../model/tool-provider.js';

/** A model provider's credentials for the workspace, where it has them (see BuiltinProvider.usesModelProvider). */
export type ModelProviderKeys = (workspaceId: string, provider: string) => Promise<{ apiKey: string; baseUrl: string } | undefined>;

export interface CredentialStatus {
  /** Saved for the workspace. */
  saved: boolean;
  /** The tools can run: saved, needing none, or standing in with the model provider's. */
  authorized: boolean;
  /** Secrets masked. */
  credentials: Record<string, string>;
}

const MAX_VALUE_LENGTH = 4096;

/**
 * A workspace's credentials for the built-in tool providers that take them: one encrypted JSON text
 * per provider, secrets shown masked, a masked secret sent back (a form left unchanged) kept as stored.
 */
export class BuiltinToolCredentials {
  private readonly key: Uint8Array;

  constructor(
    private readonly db: Db,
    secretKey: string,
    private readonly modelKeys: ModelProviderKeys,
  ) {
    this.key = deriveKey(secretKey, 'builtin-tool-credentials');
  }

  async status(workspaceId: string, providerName: string): Promise<CredentialStatus> {
    const provider = withCredentials(providerName);
    const stored = await this.stored(workspaceId, [provider.name]);
    const values = stored.get(provider.name);
    const masked = Object.fromEntries(
      (provider.credentials ?? []).map((f) => [
        f.name,
        f.type === 'secret-input' ? maskSecret(values?.[f.name] ?? '') : (values?.[f.name] ?? ''),
      ]),
    );
    // Without a saved set, tools run when nothing is required, or on the model provider's key where they may borrow it.
    const needsSome = provider.usesModelProvider !== undefined || (provider.credentials ?? []).some((f) => f.required);
    const authorized = values !== undefined || !needsSome || (await this.fallback(workspaceId, provider)) !== undefined;
    return { saved: values !== undefined, authorized, credentials: masked };
  }

  async save(workspaceId: string, providerName: string, given: Record<string, string>): Promise<CredentialStatus> {
    const provider = withCredentials(providerName);
    const fields = provider.credentials ?? [];
    const unknown = Object.keys(given).filter((k) => !fields.some((f) => f.name === k));
    if (unknown.length > 0) {
      throw new ValidationError(`credentials.${unknown[0]}: ${provider.name} takes ${fields.map((f) => f.name).join(', ')}`);
    }
    const previous = (await this.stored(workspaceId, [provider.name])).get(provider.name) ?? {};
    const values: Record<string, string> = {};
    for (const field of fields) {
      let value = (given[field.name] ?? '').trim();
      if (value.length > MAX_VALUE_LENGTH) throw new ValidationError(`credentials.${field.name}: at most ${MAX_VALUE_LENGTH} characters`);
      const old = previous[field.name];
      if (field.type === 'secret-input' && old && value === maskSecret(old)) value = old;
      if (field.required && !value) throw new ValidationError(`credentials.${field.name}: is required`);
      if (field.name === 'base_url' && value && !/^https?:\/\//i.test(value)) {
        throw new ValidationError(`credentials.${field.name}: must be an http(s) URL`);
      }
      if (value) values[field.name] = value;
    }
    const sealed = encryptText(this.key, JSON.stringify(values));
    await this.db
      .insert(builtinToolCredentials)
      .values({ workspaceId, provider: provider.name, credentialsEncrypted: sealed })
      .onConflictDoUpdate({
        target: [builtinToolCredentials.workspaceId, builtinToolCredentials.provider],
        set: { credentialsEncrypted: sealed, updatedAt: new Date() },
      });
    return this.status(workspaceId, provider.name);
  }

  async delete(workspaceId: string, providerName: string): Promise<void> {
    const provider = withCredentials(providerName);
    await this.db
      .delete(builtinToolCredentials)
      .where(and(eq(builtinToolCredentials.workspaceId, workspaceId), eq(builtinToolCredentials.provider, provider.name)));
  }

  /** Of these providers, those whose tools cannot run for lack of credentials. */
  async unauthorized(workspaceId: string, providerNames: readonly string[]): Promise<string[]> {
    const needing = [...new Set(providerNames)].filter((name) => builtinProvider(name)?.credentials);
    const statuses = await Promise.all(needing.map((name) => this.status(workspaceId, name)));
    return needing.filter((_, i) => !statuses[i]!.authorized);
  }

  /** What each provider's tools run with: saved values, else the model provider's, else nothing (the tool says so). */
  async forRun(workspaceId: string, providers: readonly BuiltinProvider[]): Promise<Map<string, Record<string, string>>> {
    const needing = providers.filter((p) => p.credentials);
    const result = new Map<string, Record<string, string>>();
    if (needing.length === 0) return result;
    const stored = await this.stored(
      workspaceId,
      needing.map((p) => p.name),
    );
    for (const provider of needing) {
      const values = stored.get(provider.name) ?? {};
      const fallback = values['api_key'] ? undefined : await this.fallback(workspaceId, provider);
      result.set(provider.name, fallback ? { api_key: fallback.apiKey, base_url: fallback.baseUrl } : values);
    }
    return result;
  }

  private async fallback(workspaceId: string, provider: BuiltinProvider) {
    if (!provider.usesModelProvider) return undefined;
    const keys = await this.modelKeys(workspaceId, provider.usesModelProvider).catch(() => undefined);
    return keys?.apiKey ? keys : undefined;
  }

  private async stored(workspaceId: string, providers: string[]): Promise<Map<string, Record<string, string>>> {
    const rows = await this.db
      .select()
      .from(builtinToolCredentials)
      .where(and(eq(builtinToolCredentials.workspaceId, workspaceId), inArray(builtinToolCredentials.provider, providers)));
    return new Map(rows.map((r) => [r.provider, JSON.parse(decryptText(this.key, r.credentialsEncrypted)) as Record<string, string>]));
  }
}

function withCredentials(name: string): BuiltinProvider {
  const provider = builtinProvider(name);
  if (!provider) throw new NotFoundError(`built-in tool provider ${name} not found`);
  if (!provider.credentials) throw new FailError(`${name} takes no credentials`);
  return provider;
}
