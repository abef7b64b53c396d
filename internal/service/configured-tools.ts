import type { AppToolConfig } from '../entity/app-config-entity.js';

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
