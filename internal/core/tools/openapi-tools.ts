import type { SafeFetch } from '../../lib/ssrf-fetch.js';
import { clipObservation } from './tool-types.js';

/** One operation of an OpenAPI document, as an agent calls it. */
export interface ApiToolSpec {
  /** The operationId (or method and path when there is none), fit for a function name. */
  name: string;
  description: string;
  method: string;
  /** Absolute URL template: the server's URL and the path, `{param}` placeholders kept. */
  url: string;
  parameters: Array<{
    name: string;
    in: 'path' | 'query' | 'header';
    required: boolean;
    schema: Record<string, unknown>;
    description: string;
  }>;
  /** The JSON body's schema (properties become arguments), or null when the operation takes none. */
  body: { schema: Record<string, unknown>; required: boolean } | null;
}

/** The document is not one we can use; the message names the place in it. */
export class OpenApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpenApiError';
  }
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;
const MAX_TOOLS = 100;

// A parsed document is untyped JSON: its shape is what swagger-parser validated.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

/**
 * Parses an OpenAPI 3.0 / 3.1 or Swagger 2.0 document (JSON or YAML text) with swagger-parser:
 * validated, `$ref`s resolved inside the document only (an external `$ref` would be a fetch the
 * SSRF guard cannot see, so it is refused), and each operation turned into a tool.
 */
export async function parseOpenApi(text: string): Promise<ApiToolSpec[]> {
  // Loaded when a document is first checked, not at start-up.
  const [{ default: SwaggerParser }, { parse: parseYaml }] = await Promise.all([import('@apidevtools/swagger-parser'), import('yaml')]);
  let raw: unknown;
  try {
    raw = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new OpenApiError(`the schema is neither JSON nor YAML: ${(err as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new OpenApiError('the schema must be an object');
  const top = raw as Doc;
  if (!top.openapi && !top.swagger) throw new OpenApiError('openapi: the document names no OpenAPI (3.x) or Swagger (2.0) version');
  if (!top.paths || typeof top.paths !== 'object') throw new OpenApiError('paths: the document has no paths');
  const external = externalRef(top, '');
  if (external) throw new OpenApiError(`${external.at}: the $ref ${external.ref} points outside the document; put that schema in it`);
  let doc: Doc;
  try {
    doc = (await SwaggerParser.validate(structuredClone(raw) as never, {
      resolve: { external: false },
      dereference: { circular: 'ignore' },
    })) as Doc;
  } catch (err) {
    throw new OpenApiError(`invalid OpenAPI document: ${(err as Error).message.replace(/\s+/g, ' ').trim()}`);
  }
  const base = serverUrl(doc);
  const tools: ApiToolSpec[] = [];
  const names = new Set<string>();
  for (const [path, item] of Object.entries<Doc>(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method] as Doc | undefined;
      if (!op) continue;
      const name = toolName(op.operationId ?? `${method}_${path}`);
      if (names.has(name)) throw new OpenApiError(`paths.${path}.${method}: the operation name ${name} is used twice`);
      names.add(name);
      tools.push(operationTool(base, path, method, item, op, name));
    }
  }
  if (tools.length === 0) throw new OpenApiError('the document has no operations under paths');
  if (tools.length > MAX_TOOLS) throw new OpenApiError(`the document has ${tools.length} operations; at most ${MAX_TOOLS}`);
  return tools;
}

/** The first `$ref` that is not a pointer into the document itself, and where it is. */
function externalRef(node: unknown, at: string): { ref: string; at: string } | undefined {
  if (!node || typeof node !== 'object') return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) return { ref: value, at: at || '(root)' };
    const found = externalRef(value, at ? `${at}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

function serverUrl(doc: Doc): string {
  if (doc.swagger) {
    if (!doc.host) throw new OpenApiError('host: a Swagger 2.0 document needs a host to call');
    const scheme = (doc.schemes as string[] | undefined)?.includes('https') ? 'https' : (doc.schemes?.[0] ?? 'https');
    return `${scheme}://${doc.host}${doc.basePath ?? ''}`.replace(/\/+$/, '');
  }
  const server = doc.servers?.[0] as { url?: string; variables?: Record<string, { default: string }> } | undefined;
  if (!server?.url) throw new OpenApiError('servers: the document needs a server URL to call');
  const url = server.url.replace(/\{(\w+)\}/g, (_, v: string) => server.variables?.[v]?.default ?? `{${v}}`);
  if (!/^https?:\/\//.test(url)) throw new OpenApiError(`servers[0].url: ${server.url} is not an absolute http(s) URL`);
  return url.replace(/\/+$/, '');
}

function operationTool(base: string, path: string, method: string, item: Doc, op: Doc, name: string): ApiToolSpec {
  const where = `paths.${path}.${method}`;
  const declared = [...((item.parameters as Doc[]) ?? []), ...((op.parameters as Doc[]) ?? [])];
  const parameters: ApiToolSpec['parameters'] = [];
  let body: ApiToolSpec['body'] = null;
  for (const p of declared) {
    if (p.in === 'body') {
      body = { schema: p.schema ?? { type: 'object' }, required: Boolean(p.required) };
    } else if (p.in === 'path' || p.in === 'query' || p.in === 'header') {
      const schema = (p.schema ?? { type: p.type ?? 'string', ...(p.enum ? { enum: p.enum } : {}) }) as Record<string, unknown>;
      parameters.push({
        name: p.name,
        in: p.in,
        required: p.in === 'path' || Boolean(p.required),
        schema,
        description: p.description ?? '',
      });
    } else if (p.in === 'formData') {
      throw new OpenApiError(`${where}: form parameters are not supported (parameter ${p.name}); use a JSON body`);
    }
  }
  if (op.requestBody) {
    const content = (op.requestBody.content ?? {}) as Record<string, Doc>;
    const json = Object.entries(content).find(([type]) => /json/i.test(type));
    if (!json) throw new OpenApiError(`${where}.requestBody: only JSON bodies are supported (found ${Object.keys(content).join(', ')})`);
    body = { schema: (json[1].schema as Record<string, unknown>) ?? { type: 'object' }, required: Boolean(op.requestBody.required) };
  }
  const description = String(op.description ?? op.summary ?? `${method.toUpperCase()} ${path}`).slice(0, 1000);
  return { name, description, method: method.toUpperCase(), url: `${base}${path}`, parameters, body };
}

/** A function name models accept: letters, digits, _ and -, at most 64. */
function toolName(raw: string): string {
  const name = raw.replace(/[^a-zA-Z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
  return (name || 'operation').slice(0, 64);
}

/** A body whose schema is an object with properties is flattened into the arguments; any other body is one `body` argument. */
function bodyProperties(spec: ApiToolSpec): Record<string, unknown> | undefined {
  const schema = spec.body?.schema;
  if (!schema || schema.type !== 'object' || !schema.properties) return undefined;
  const props = schema.properties as Record<string, unknown>;
  return Object.keys(props).some((k) => spec.parameters.some((p) => p.name === k)) ? undefined : props;
}

/** The tool's arguments as JSON Schema, for the model. */
export function apiToolSchema(spec: ApiToolSpec): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const p of spec.parameters) {
    properties[p.name] = { ...p.schema, ...(p.description ? { description: p.description } : {}) };
    if (p.required) required.push(p.name);
  }
  const flat = bodyProperties(spec);
  if (flat) {
    Object.assign(properties, flat);
    if (spec.body!.required) required.push(...(((spec.body!.schema.required as string[]) ?? []) as string[]));
  } else if (spec.body) {
    properties.body = spec.body.schema;
    if (spec.body.required) required.push('body');
  }
  return { type: 'object', properties, required };
}

/** Calls the operation with the model's arguments and the provider's headers; the status and body are the observation. */
export async function invokeApiTool(
  spec: ApiToolSpec,
  headers: Record<string, string>,
  args: Record<string, unknown>,
  fetch: SafeFetch,
  signal: AbortSignal,
): Promise<string> {
  let url = spec.url;
  const query = new URLSearchParams();
  const sent: Record<string, string> = { 'user-agent': 'LLMOps-Tools/1.0', ...headers };
  for (const p of spec.parameters) {
    const value = args[p.name];
    if (value === undefined || value === null) {
      if (p.required) throw new Error(`the argument "${p.name}" is required`);
      continue;
    }
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(text));
    else if (p.in === 'query') query.append(p.name, text);
    else sent[p.name.toLowerCase()] = text;
  }
  if (query.size > 0) url += `${url.includes('?') ? '&' : '?'}${query}`;
  let body: string | undefined;
  if (spec.body) {
    const flat = bodyProperties(spec);
    const value = flat
      ? Object.fromEntries(
          Object.keys(flat)
            .filter((k) => k in args)
            .map((k) => [k, args[k]]),
        )
      : args.body;
    if (value !== undefined) {
      body = JSON.stringify(value);
      sent['content-type'] = 'application/json';
    }
  }
  const res = await fetch(url, { method: spec.method, headers: sent, signal, ...(body !== undefined ? { body } : {}) });
  const text = res.text();
  const clipped = clipObservation(text);
  return `HTTP ${res.status}\n${clipped}`;
}
