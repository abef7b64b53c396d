import type { SafeFetch } from '../../lib/ssrf-fetch.js';

/** Text in the console's two languages. */
export interface Localized {
  en_US: string;
  zh_Hans: string;
}

/**
 * One argument of a tool. `inputs` are filled by the model each call (their description is what
 * the model reads); `params` are fixed per app in its config (a form in the console).
 */
export interface ToolParameter {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'select';
  required: boolean;
  label: Localized;
  description: string;
  options?: string[];
  default?: string | number | boolean;
}

/**
 * What a tool may use while it runs: the guarded fetch, the call's cancellation, the operator's
 * endpoints, the workspace's credentials for its provider, and a place to keep images it makes.
 */
export interface ToolContext {
  fetch: SafeFetch;
  signal: AbortSignal;
  settings: ToolSettings;
  credentials: Record<string, string>;
  /** Keeps an image the tool made (the workspace's upload) and gives its file id. */
  saveImage(data: Buffer, filename: string): Promise<string>;
}

/** What a tool answers: text for the model, and with it, where it made some, the files shown to the user. */
export type ToolOutput = string | { text: string; files: string[] };

/** A credential a provider needs (Dify's credentials_schema entry); secrets are stored encrypted and shown masked. */
export interface CredentialField {
  name: string;
  type: 'secret-input' | 'text-input';
  required: boolean;
  label: Localized;
  placeholder?: string;
  help?: Localized;
}

export interface ToolSettings {
  wikipediaApiUrl: string;
  duckduckgoUrl: string;
}

export interface BuiltinTool {
  name: string;
  label: Localized;
  description: Localized;
  inputs: ToolParameter[];
  params: ToolParameter[];
  /** Loads what the tool needs ahead of its first call, while the agent's model is still thinking. */
  prepare?(): Promise<void>;
  /** The observation the model reads; a thrown error becomes one too (see agent/tool-runner.ts). */
  invoke(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutput>;
}

export type ToolCategory = 'utilities' | 'search' | 'productivity';

export interface BuiltinProvider {
  name: string;
  label: Localized;
  description: Localized;
  category: ToolCategory;
  /** The icon's background colour in the console. */
  background: string;
  /** SVG text, served by GET /builtin-tools/:provider/icon. */
  icon: string;
  /** What the workspace must give before the tools work; none for most providers. */
  credentials?: CredentialField[];
  /**
   * A model provider whose workspace credentials stand in (as `api_key` and `base_url`) while the
   * workspace has saved none for this tool provider.
   */
  usesModelProvider?: string;
  tools: BuiltinTool[];
}

/** A tool's arguments as JSON Schema, for the model's function definitions. */
export function inputSchema(inputs: readonly ToolParameter[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const p of inputs) {
    properties[p.name] =
      p.type === 'select' ? { type: 'string', enum: p.options, description: p.description } : { type: p.type, description: p.description };
  }
  return { type: 'object', properties, required: inputs.filter((p) => p.required).map((p) => p.name) };
}

/** A short, clear observation for an argument the model got wrong. */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}

export function stringArg(args: Record<string, unknown>, name: string, required = true): string {
  const value = args[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw new ToolInputError(`the argument "${name}" is required`);
    return '';
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new ToolInputError(`the argument "${name}" must be text`);
  }
  return String(value);
}

/** What one observation may hold: a model reads this much of a page or an answer, not the whole of it. */
export const MAX_OBSERVATION_CHARS = 8000;

export function clipObservation(text: string): string {
  return text.length > MAX_OBSERVATION_CHARS
    ? `${text.slice(0, MAX_OBSERVATION_CHARS)}\n[cut at ${MAX_OBSERVATION_CHARS} characters]`
    : text;
}
