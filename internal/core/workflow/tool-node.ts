import { TOOL_TYPE_OF_PROVIDER, type AppToolType } from '../../entity/app-config-entity.js';
import type { FileAccess } from './workflow-file.js';
import type { AgentTool } from '../agent/agent-types.js';
import type { NodeExecutor } from './engine.js';

/** A tool as an app configures it; the node's provider type named as the app config names it. */
export interface ToolEntry {
  type: AppToolType;
  provider_id: string;
  tool_id: string;
  params: Record<string, string | number | boolean>;
}

/** The workspace's tool for an entry; undefined when it has no such tool. */
export type ToolLookup = (entry: ToolEntry) => Promise<AgentTool | undefined>;

interface ToolNodeData {
  provider_id?: string;
  provider_type?: string;
  tool_name?: string;
  tool_parameters?: Record<string, { type?: 'variable' | 'mixed' | 'constant'; value?: unknown }>;
  tool_configurations?: Record<string, unknown>;
}

const scalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * `tool`: one of the workspace's tools (built-in, from an OpenAPI document, an MCP server's, or a workflow)
 * called with the node's arguments (a variable, text with `{{#...#}}`, or a constant) and its fixed
 * settings. Outputs `text`, `files` (the files it made, as file objects) and `json` (the text, when it is JSON).
 */
export function toolNode(lookup: ToolLookup, providerName: (id: string) => string, files: FileAccess): NodeExecutor {
  return async ({ node, pool, signal }) => {
    const data = node.data as unknown as ToolNodeData;
    const type = TOOL_TYPE_OF_PROVIDER[data.provider_type ?? ''];
    if (!type) throw new Error(`${data.provider_type ?? '(none)'} tools cannot run here; built-in, API, MCP and workflow tools can`);
    const providerId = type === 'builtin_tool' ? providerName(String(data.provider_id ?? '')) : String(data.provider_id ?? '');
    const params = Object.fromEntries(
      Object.entries(data.tool_configurations ?? {}).filter((e): e is [string, string | number | boolean] => scalar(e[1])),
    );
    const tool = await lookup({ type, provider_id: providerId, tool_id: String(data.tool_name ?? ''), params });
    if (!tool) throw new Error(`the tool ${providerId}/${data.tool_name ?? ''} does not exist in this workspace`);
    const args: Record<string, unknown> = {};
    for (const [name, input] of Object.entries(data.tool_parameters ?? {})) {
      args[name] =
        input.type === 'variable' && Array.isArray(input.value)
          ? pool.get(input.value as string[])
          : input.type === 'mixed' || typeof input.value === 'string'
            ? pool.render(String(input.value ?? ''))
            : input.value;
    }
    const output = await tool.invoke(args, signal);
    const text = typeof output === 'string' ? output : output.text;
    const made = await files.uploaded(typeof output === 'string' ? [] : output.files);
    return { inputs: args, outputs: { text, files: made, json: jsonOf(text) } };
  };
}

/** A tool's answer as Dify's `json` output: the object it is, when it is JSON. */
export function jsonOf(text: string): unknown[] {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? [value] : [];
  } catch {
    return [];
  }
}
