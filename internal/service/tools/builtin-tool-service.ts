import type { AgentTool } from '../../core/agent/agent-types.js';
import { BUILTIN_PROVIDERS, builtinProvider, builtinTool, TOOL_CATEGORIES } from '../../core/tools/builtin-catalog.js';
import { inputSchema, type BuiltinProvider, type BuiltinTool, type ToolSettings } from '../../core/tools/tool-types.js';
import type { AppToolConfig } from '../../entity/app-config-entity.js';
import { NotFoundError } from '../../exception/app-error.js';
import type { SafeFetch } from '../../lib/ssrf-fetch.js';
import { UploadKind } from '../../entity/upload-file-entity.js';
import type { BuiltinToolCredentials } from './builtin-tool-credentials.js';
import type { UploadFileService } from '../files/upload-file-service.js';

/** The built-in tool catalog as the console lists it, and the app's chosen tools as an agent calls them. */
export class BuiltinToolService {
  constructor(
    private readonly fetch: SafeFetch,
    private readonly settings: ToolSettings,
    readonly credentials: BuiltinToolCredentials,
    private readonly uploads: UploadFileService,
  ) {}

  /** The catalog, each provider saying whether the workspace can run it (Dify's is_team_authorization). */
  async providers(workspaceId: string) {
    const blocked = new Set(
      await this.credentials.unauthorized(
        workspaceId,
        BUILTIN_PROVIDERS.map((p) => p.name),
      ),
    );
    return BUILTIN_PROVIDERS.map((p) => ({
      ...providerView(p),
      is_team_authorization: !blocked.has(p.name),
      tools: p.tools.map(toolView),
    }));
  }

  categories() {
    return TOOL_CATEGORIES.map((c) => ({ category: c.category, name: c.name, icon: categoryIcon(c.category) }));
  }

  icon(provider: string): string {
    const found = builtinProvider(provider);
    if (!found) throw new NotFoundError(`built-in tool provider ${provider} not found`);
    return found.icon;
  }

  tool(provider: string, tool: string) {
    const found = builtinTool(provider, tool);
    if (!found) throw new NotFoundError(`built-in tool ${provider}/${tool} not found`);
    return { provider: providerView(found.provider), ...toolView(found.tool) };
  }

  /** The app's tools, named for the model (a name two providers share gets its provider in front). */
  async forApp(workspaceId: string, configured: readonly AppToolConfig[]): Promise<AgentTool[]> {
    // Validated when saved; a tool since removed from the catalog is left out rather than failing every message.
    const found = configured.flatMap((entry) => {
      const hit = builtinTool(entry.provider_id, entry.tool_id);
      return hit ? [{ ...hit, entry }] : [];
    });
    if (found.length === 0) return [];
    const credentials = await this.credentials.forRun(
      workspaceId,
      found.map((f) => f.provider),
    );
    const tools: AgentTool[] = [];
    const names = new Set<string>();
    for (const { provider, tool, entry } of found) {
      const name = names.has(tool.name) ? `${provider.name}_${tool.name}` : tool.name;
      names.add(name);
      const context = { workspaceId, credentials: credentials.get(provider.name) ?? {} };
      tools.push(this.agentTool(name, tool, entry.params, context));
      // A failed preparation shows again, as an observation, when the tool is called.
      tool.prepare?.().catch(() => undefined);
    }
    return tools;
  }

  private agentTool(
    name: string,
    tool: BuiltinTool,
    params: AppToolConfig['params'],
    run: { workspaceId: string; credentials: Record<string, string> },
  ): AgentTool {
    const fixed = Object.fromEntries(tool.params.filter((p) => p.default !== undefined).map((p) => [p.name, p.default]));
    // A made image is the workspace's upload, shown with the message as the assistant's file.
    const saveImage = async (data: Buffer, filename: string) =>
      (await this.uploads.upload(run.workspaceId, { kind: UploadKind.Image, filename, data })).id;
    return {
      name,
      label: tool.label,
      description: tool.description.en_US,
      parameters: inputSchema(tool.inputs),
      invoke: (args, signal) =>
        tool.invoke(
          { ...args, ...fixed, ...params },
          { fetch: this.fetch, signal, settings: this.settings, credentials: run.credentials, saveImage },
        ),
    };
  }
}

function providerView(p: BuiltinProvider) {
  return {
    name: p.name,
    label: p.label,
    description: p.description,
    category: p.category,
    background: p.background,
    icon: `/builtin-tools/${p.name}/icon`,
    credentials_schema: p.credentials ?? [],
  };
}

function toolView(t: BuiltinTool) {
  const param = (p: BuiltinTool['inputs'][number]) => ({
    name: p.name,
    type: p.type,
    required: p.required,
    label: p.label,
    description: p.description,
    ...(p.options ? { options: p.options } : {}),
    ...(p.default !== undefined ? { default: p.default } : {}),
  });
  return { name: t.name, label: t.label, description: t.description, inputs: t.inputs.map(param), params: t.params.map(param) };
}

const CATEGORY_ICONS: Record<string, string> = {
  search:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><circle cx="11" cy="11" r="7"/><path d="M20 20l-4-4"/></svg>',
  utilities:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><path d="M14 7l3-3 3 3-3 3M4 20l9-9"/></svg>',
  productivity:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><path d="M13 2L4 14h7l-1 8 9-12h-7z"/></svg>',
};

function categoryIcon(category: string): string {
  return CATEGORY_ICONS[category] ?? '';
}
