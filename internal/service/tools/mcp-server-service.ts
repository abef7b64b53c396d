import { and, desc, eq, inArray } from 'drizzle-orm';
import type { AgentTool } from '../../core/agent/agent-types.js';
import { callMcpTool, listMcpTools, type McpEndpoint, type McpToolSpec } from '../../core/tools/mcp-tools.js';
import type { AppToolConfig } from '../../entity/app-config-entity.js';
import type { Db } from '../../extension/database.js';
import { FailError } from '../../exception/app-error.js';
import { unlessDuplicate } from '../../lib/pg-error.js';
import { findInWorkspace, inWorkspace } from '../../lib/workspace-scope.js';
import type { GuardedFetch } from '../../lib/ssrf-stream-fetch.js';
import { mcpServers, type McpServer } from '../../model/tool-provider.js';
import { resolveConfigured, unresolvedNames } from './configured-tools.js';
import type { Actor } from '../identity/permissions.js';
import { SealedHeaders, type Header } from '../../lib/sealed-headers.js';

export interface McpServerInput {
  name: string;
  server_url: string;
  headers: Header[];
}

/**
 * A workspace's MCP servers. Their tools are listed when a server is added, changed or refreshed,
 * and kept, so an app's tool list never waits on a server; a call connects, calls, and closes.
 */
export class McpServerService {
  private readonly headers: SealedHeaders;

  constructor(
    private readonly db: Db,
    private readonly fetch: GuardedFetch,
    private readonly settings: { secretKey: string; toolTimeoutMs: number },
  ) {
    this.headers = new SealedHeaders(settings.secretKey, 'mcp-server-headers');
  }

  /** Lists the server's tools first: a server that cannot be reached is refused with the reason, and nothing is saved. */
  async create(actor: Actor, input: McpServerInput): Promise<McpServer> {
    const headersEncrypted = this.headers.seal(input.headers);
    const tools = await this.listTools(input.server_url, headersEncrypted);
    const [row] = await unlessDuplicate(
      this.db
        .insert(mcpServers)
        .values({
          workspaceId: actor.workspaceId,
          createdBy: actor.accountId,
          name: input.name,
          serverUrl: input.server_url,
          headersEncrypted,
          tools,
        })
        .returning(),
      `an MCP server named ${input.name} already exists`,
    );
    return row!;
  }

  async update(workspaceId: string, id: string, input: McpServerInput): Promise<McpServer> {
    const existing = await this.get(workspaceId, id);
    const headersEncrypted = this.headers.seal(input.headers, existing.headersEncrypted);
    const tools = await this.listTools(input.server_url, headersEncrypted);
    return unlessDuplicate(
      this.save(workspaceId, id, { name: input.name, serverUrl: input.server_url, headersEncrypted, tools }),
      `an MCP server named ${input.name} already exists`,
    );
  }

  async refresh(workspaceId: string, id: string): Promise<McpServer> {
    const existing = await this.get(workspaceId, id);
    return this.save(workspaceId, id, { tools: await this.listTools(existing.serverUrl, existing.headersEncrypted) });
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    await this.get(workspaceId, id);
    await this.db.delete(mcpServers).where(inWorkspace(mcpServers, workspaceId, id));
  }

  get(workspaceId: string, id: string): Promise<McpServer> {
    return findInWorkspace(this.db, mcpServers, workspaceId, id, 'MCP server not found');
  }

  list(workspaceId: string): Promise<McpServer[]> {
    return this.db.select().from(mcpServers).where(eq(mcpServers.workspaceId, workspaceId)).orderBy(desc(mcpServers.createdAt));
  }

  maskedHeaders(server: McpServer): Header[] {
    return this.headers.masked(server.headersEncrypted);
  }

  /** The configured MCP tools that no longer exist (server deleted, or the tool gone since its last refresh). */
  async missing(workspaceId: string, configured: readonly AppToolConfig[]): Promise<string[]> {
    return unresolvedNames(await this.resolve(workspaceId, configured));
  }

  async agentTools(workspaceId: string, configured: readonly AppToolConfig[]): Promise<AgentTool[]> {
    const tools: AgentTool[] = [];
    for (const { entry, provider: server, spec } of await this.resolve(workspaceId, configured)) {
      if (!server || !spec) continue;
      const endpoint = this.endpoint(server.serverUrl, server.headersEncrypted);
      tools.push({
        name: spec.name.replace(/[^a-zA-Z0-9_-]+/g, '_').slice(0, 64),
        label: { en_US: spec.name, zh_Hans: spec.name },
        description: spec.description,
        parameters: spec.inputSchema,
        invoke: (args, signal) => callMcpTool(endpoint, spec.name, { ...args, ...entry.params }, signal),
      });
    }
    return tools;
  }

  private async listTools(url: string, headersEncrypted: string): Promise<McpToolSpec[]> {
    try {
      return await listMcpTools(this.endpoint(url, headersEncrypted));
    } catch (err) {
      throw new FailError(`could not list the tools of ${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private endpoint(url: string, headersEncrypted: string): McpEndpoint {
    return { url, headers: this.headers.record(headersEncrypted), fetch: this.fetch, timeoutMs: this.settings.toolTimeoutMs };
  }

  private async save(workspaceId: string, id: string, values: Partial<typeof mcpServers.$inferInsert>): Promise<McpServer> {
    const [row] = await this.db
      .update(mcpServers)
      .set({ ...values, updatedAt: new Date() })
      .where(inWorkspace(mcpServers, workspaceId, id))
      .returning();
    return row!;
  }

  private async resolve(workspaceId: string, configured: readonly AppToolConfig[]) {
    const wanted = configured.filter((t) => t.type === 'mcp_tool');
    if (wanted.length === 0) return [];
    const ids = [...new Set(wanted.map((t) => t.provider_id))];
    const rows = await this.db
      .select()
      .from(mcpServers)
      .where(and(eq(mcpServers.workspaceId, workspaceId), inArray(mcpServers.id, ids)));
    return resolveConfigured(wanted, rows);
  }
}
