import type { AppToolConfig } from '../../entity/app-config-entity.js';

/** Each configured tool of one kind with the saved provider (API document or MCP server) and tool it names, where they still exist. */
export function resolveConfigured<P extends { id: string; tools: Array<{ name: string }> }>(
  wanted: readonly AppToolConfig[],
  rows: readonly P[],
): Array<{ entry: AppToolConfig; provider: P | undefined; spec: P['tools'][number] | undefined }> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return wanted.map((entry) => {
    const provider = byId.get(entry.provider_id);
    return { entry, provider, spec: provider?.tools.find((s) => s.name === entry.tool_id) };
  });
}

/** `provider/tool` of the configured tools that no longer exist. */
export function unresolvedNames(resolved: ReadonlyArray<{ entry: AppToolConfig; spec: unknown }>): string[] {
  return resolved.filter((r) => !r.spec).map((r) => `${r.entry.provider_id}/${r.entry.tool_id}`);
}

/** A kind of saved tool that can say which configured ones cannot run. */
interface CheckedSource {
  missing(workspaceId: string, configured: readonly AppToolConfig[]): Promise<string[]>;
}

/** `provider/tool` of the configured API, MCP and workflow tools that cannot run (built-ins are checked by name). */
export async function missingTools(
  sources: { api: CheckedSource; mcp: CheckedSource; workflow: CheckedSource },
  workspaceId: string,
  configured: readonly AppToolConfig[],
): Promise<string[]> {
  const others = configured.filter((t) => t.type !== 'builtin_tool');
  if (others.length === 0) return [];
  return (await Promise.all([sources.api, sources.mcp, sources.workflow].map((s) => s.missing(workspaceId, others)))).flat();
}
