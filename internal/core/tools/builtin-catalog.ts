import { dalleProvider } from './builtin/dalle-provider.js';
import { mathProvider } from './builtin/math-provider.js';
import { timeProvider } from './builtin/time-provider.js';
import { duckduckgoProvider, httpProvider, webscraperProvider, wikipediaProvider } from './builtin/web-providers.js';
import type { BuiltinProvider, BuiltinTool, ToolCategory } from './tool-types.js';

/** Every built-in tool provider, in the order the console lists them. */
export const BUILTIN_PROVIDERS: readonly BuiltinProvider[] = [
  timeProvider,
  mathProvider,
  webscraperProvider,
  wikipediaProvider,
  duckduckgoProvider,
  httpProvider,
  dalleProvider,
];

export const TOOL_CATEGORIES: ReadonlyArray<{ category: ToolCategory; name: { en_US: string; zh_Hans: string } }> = [
  { category: 'search', name: { en_US: 'Search', zh_Hans: '搜索' } },
  { category: 'utilities', name: { en_US: 'Utilities', zh_Hans: '工具' } },
  { category: 'productivity', name: { en_US: 'Productivity', zh_Hans: '效率' } },
];

const byName = new Map(BUILTIN_PROVIDERS.map((p) => [p.name, p]));

export function builtinProvider(name: string): BuiltinProvider | undefined {
  return byName.get(name);
}

export function builtinTool(provider: string, tool: string): { provider: BuiltinProvider; tool: BuiltinTool } | undefined {
  const p = byName.get(provider);
  const t = p?.tools.find((x) => x.name === tool);
  return p && t ? { provider: p, tool: t } : undefined;
}
