import type { AgentTool } from '../core/agent/agent-types.js';
import { BUILTIN_PROVIDERS, builtinProvider, builtinTool, TOOL_CATEGORIES } from '../core/tools/builtin-catalog.js';
import { inputSchema, type BuiltinProvider, type BuiltinTool, type ToolSettings } from '../core/tools/tool-types.js';
import type { AppToolConfig } from '../entity/app-config-entity.js';
import { NotFoundException } from '../exception/app-error.js';
import type { SafeFetch } from '../lib/ssrf-fetch.js';

/** The built-in tool catalog as the console lists it, and the app's chosen tools as an agent calls them. */
export class BuiltinToolService {
  constructor(
    private readonly fetch: SafeFetch,
    private readonly settings: ToolSettings,
  ) {}

  providers() {
    return BUILTIN_PROVIDERS.map((p) => ({ ...providerView(p), tools: p.tools.map(toolView) }));
  }

  categories() {
    return TOOL_CATEGORIES.map((c) => ({ category: c.category, name: c.name, icon: categoryIcon(c.category) }));
  }

  icon(provider: string): string {
    const found = builtinProvider(provider);
    if (!found) throw new NotFoundException(`built-in tool provider ${provider} not found`);
    return found.icon;
  }

  tool(provider: string, tool: string) {
    const found = builtinTool(provider, tool);
    if (!found) throw new NotFoundException(`built-in tool ${provider}/${tool} not found`);
    return { provider: providerView(found.provider), ...toolView(found.tool) };
  }

  /** The app's tools, named for the model (a name two providers share gets its provider in front). */
  forApp(configured: readonly AppToolConfig[]): AgentTool[] {
    const tools: AgentTool[] = [];
    const names = new Set<string>();
    for (const entry of configured) {
      const found = builtinTool(entry.provider_id, entry.tool_id);
      // Validated when saved; a tool since removed from the catalog is left out rather than failing every message.
      if (!found) continue;
      const name = names.has(found.tool.name) ? `${found.provider.name}_${found.tool.name}` : found.tool.name;
      names.add(name);
      tools.push(this.agentTool(name, found.tool, entry.params));
      // A failed preparation shows again, as an observation, when the tool is called.
      found.tool.prepare?.().catch(() => undefined);
    }
    return tools;
  }

  private agentTool(name: string, tool: BuiltinTool, params: AppToolConfig['params']): AgentTool {
    const fixed = Object.fromEntries(tool.params.filter((p) => p.default !== undefined).map((p) => [p.name, p.default]));
    return {
      name,
      label: tool.label,
      description: tool.description.en_US,
      parameters: inputSchema(tool.inputs),
      invoke: (args, signal) => tool.invoke({ ...args, ...fixed, ...params }, { fetch: this.fetch, signal, settings: this.settings }),
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
