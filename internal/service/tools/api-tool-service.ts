import { and, count, desc, eq, ilike, inArray } from 'drizzle-orm';
import { pageOffset, type PageRequest } from '../../../pkg/paginator/paginator.js';
import type { AgentTool } from '../../core/agent/agent-types.js';
import { apiToolSchema, invokeApiTool, OpenApiError, parseOpenApi, type ApiToolSpec } from '../../core/tools/openapi-tools.js';
import type { AppToolConfig } from '../../entity/app-config-entity.js';
import type { Db } from '../../extension/database.js';
import { FailError, ValidationError } from '../../exception/app-error.js';
import { containsPattern, unlessDuplicate } from '../../lib/pg-error.js';
import { findInWorkspace, inWorkspace } from '../../lib/workspace-scope.js';
import { fetchDocument, type SafeFetch } from '../../lib/ssrf-fetch.js';
import { apiToolProviders, type ApiToolProvider } from '../../model/tool-provider.js';
import { resolveConfigured, unresolvedNames } from './configured-tools.js';
import type { Actor } from '../identity/permissions.js';
import { SealedHeaders } from '../../lib/sealed-headers.js';

export interface ApiToolInput {
  name: string;
  icon: string;
  description: string;
  openapi_schema: string;
  headers: Array<{ key: string; value: string }>;
}

/** A saved provider as answers show it: header values masked. */
export interface ApiToolProviderView {
  provider: ApiToolProvider;
  headers: Array<{ key: string; value: string }>;
}

/**
 * A workspace's custom API tools: OpenAPI documents whose operations agents call, with headers
 * (often a key) stored encrypted and shown masked. A header sent back still masked keeps its value.
 */
export class ApiToolService {
  private readonly headers: SealedHeaders;

  constructor(
    private readonly db: Db,
    private readonly fetch: SafeFetch,
    settings: { secretKey: string },
  ) {
    this.headers = new SealedHeaders(settings.secretKey, 'api-tool-headers');
  }

  /** The operations a document gives, or why it cannot be used (naming the place in the document). */
  async validateSchema(text: string): Promise<ApiToolSpec[]> {
    try {
      return await parseOpenApi(text);
    } catch (err) {
      if (err instanceof OpenApiError) throw new ValidationError(`openapi_schema: ${err.message}`);
      throw err;
    }
  }

  /**
   * A document read from a URL through the SSRF guard (Dify's "import from URL"), checked like a
   * pasted one; the text comes back for the form, so what is saved is what the user saw.
   */
  async importFromUrl(url: string, signal: AbortSignal): Promise<{ text: string; tools: ApiToolSpec[] }> {
    const read = await fetchDocument(this.fetch, url, {
      signal,
      headers: { accept: 'application/json, application/yaml, text/yaml, */*' },
    });
    if ('problem' in read) throw new FailError(`url: ${read.problem}`);
    return { text: read.text, tools: await this.validateSchema(read.text) };
  }

  async create(actor: Actor, input: ApiToolInput): Promise<ApiToolProvider> {
    const tools = await this.validateSchema(input.openapi_schema);
    const [row] = await unlessDuplicate(
      this.db
        .insert(apiToolProviders)
        .values({ workspaceId: actor.workspaceId, createdBy: actor.accountId, ...this.columns(input, tools, '') })
        .returning(),
      `an API tool named ${input.name} already exists`,
    );
    return row!;
  }

  async update(workspaceId: string, id: string, input: ApiToolInput): Promise<ApiToolProvider> {
    const existing = await this.get(workspaceId, id);
    const tools = await this.validateSchema(input.openapi_schema);
    const [row] = await unlessDuplicate(
      this.db
        .update(apiToolProviders)
        .set({ ...this.columns(input, tools, existing.headersEncrypted), updatedAt: new Date() })
        .where(inWorkspace(apiToolProviders, workspaceId, id))
        .returning(),
      `an API tool named ${input.name} already exists`,
    );
    return row!;
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    await this.get(workspaceId, id);
    await this.db.delete(apiToolProviders).where(inWorkspace(apiToolProviders, workspaceId, id));
  }

  get(workspaceId: string, id: string): Promise<ApiToolProvider> {
    return findInWorkspace(this.db, apiToolProviders, workspaceId, id, 'API tool not found');
  }

  async list(workspaceId: string, request: PageRequest & { searchWord?: string | undefined }) {
    const where = and(
      eq(apiToolProviders.workspaceId, workspaceId),
      request.searchWord ? ilike(apiToolProviders.name, containsPattern(request.searchWord)) : undefined,
    );
    const { limit, offset } = pageOffset(request);
    const [list, [total]] = await Promise.all([
      this.db
        .select()
        .from(apiToolProviders)
        .where(where)
        .orderBy(desc(apiToolProviders.createdAt), desc(apiToolProviders.id))
        .limit(limit)
        .offset(offset),
      this.db.select({ value: count() }).from(apiToolProviders).where(where),
    ]);
    return { list, total: total?.value ?? 0 };
  }

  /** Header values masked, for answers. */
  maskedHeaders(provider: ApiToolProvider): Array<{ key: string; value: string }> {
    return this.headers.masked(provider.headersEncrypted);
  }

  /** The names of the configured API tools that no longer exist in the workspace. */
  async missing(workspaceId: string, configured: readonly AppToolConfig[]): Promise<string[]> {
    return unresolvedNames(await this.resolve(workspaceId, configured));
  }

  /** The app's API tools as an agent calls them; ones deleted since the config was saved are left out. */
  async agentTools(workspaceId: string, configured: readonly AppToolConfig[]): Promise<AgentTool[]> {
    const tools: AgentTool[] = [];
    for (const { entry, provider, spec } of await this.resolve(workspaceId, configured)) {
      // Deleted since the config was saved: left out rather than failing every message.
      if (!provider || !spec) continue;
      const headers = this.headers.record(provider.headersEncrypted);
      tools.push({
        name: spec.name,
        label: { en_US: spec.name, zh_Hans: spec.name },
        description: spec.description,
        parameters: apiToolSchema(spec),
        invoke: (args, signal) => invokeApiTool(spec, headers, { ...args, ...entry.params }, this.fetch, signal),
      });
    }
    return tools;
  }

  private async resolve(workspaceId: string, configured: readonly AppToolConfig[]) {
    const wanted = configured.filter((t) => t.type === 'api_tool');
    if (wanted.length === 0) return [];
    const ids = [...new Set(wanted.map((t) => t.provider_id))];
    const rows = await this.db
      .select()
      .from(apiToolProviders)
      .where(and(eq(apiToolProviders.workspaceId, workspaceId), inArray(apiToolProviders.id, ids)));
    return resolveConfigured(wanted, rows);
  }

  private columns(input: ApiToolInput, tools: ApiToolSpec[], previousHeaders: string) {
    return {
      name: input.name,
      icon: input.icon,
      description: input.description,
      openapiSchema: input.openapi_schema,
      tools,
      headersEncrypted: this.headers.seal(input.headers, previousHeaders),
    };
  }
}
