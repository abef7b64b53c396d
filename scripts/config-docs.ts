// Writes docs/CONFIGURATION.md: every setting with its environment variable, default and meaning.
// One source of truth: the defaults come from the real `defaultConfig` object, the meanings from the
// comment above each property in config/default-config.ts (read with the TypeScript parser), and the
// variable names from config/config.ts's `envSchema` (the only place they are spelled), checked against
// the names each comment starts with. A blank line in default-config.ts starts a new section.
// `--check` fails when the committed document is out of date.
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import ts from 'typescript';
import { loadConfig } from '../config/config.js';
import { defaultConfig } from '../config/default-config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEFAULTS_FILE = 'config/default-config.ts';
const LOADER_FILE = 'config/config.ts';
export const CONFIGURATION_DOC = 'docs/CONFIGURATION.md';

/**
 * Section titles, by the first setting of each blank-line-separated group of default-config.ts, for groups
 * that do not open with a `// Title` line there (a group neither names is titled by its variables).
 * Only titles live here; meanings are the comments.
 */
const SECTION_TITLES: Record<string, string> = {
  port: 'Server',
  storageDir: 'Storage, database and queue',
  secretKey: 'Accounts, sign-in, mail and periodic jobs',
  llmTimeoutMs: 'Models',
  ssePingIntervalMs: 'HTTP, file storage, limits and shutdown',
  ssrfAllowHosts: 'Outbound requests, tools, workflows and the code sandbox',
};

/** A variable name that holds a credential: its default must be empty, the document never prints one. */
const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|KEY)$/;

type SettingKey = keyof typeof defaultConfig;

/** One commented property of default-config.ts and the uncommented ones right after it (they share the comment). */
interface Setting {
  keys: SettingKey[];
  /** Variable names per key, in the order of `keys`; a key may be read from several (a group per provider). */
  variables: string[][];
  /** How many of a key's variables belong together (shown joined by ` / `): the names in the comment. */
  groupSize: number;
  /** The defaults' source text per key, e.g. `7 * 24 * 3600`. */
  sources: string[];
  meaning: string;
}

interface Section {
  title: string;
  settings: Setting[];
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

/** The initializer of `const <name> = ...`, without `as ...` / `satisfies ...`. */
function constInitializer(source: ts.SourceFile, name: string): ts.Expression {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === name && declaration.initializer) {
        return unwrap(declaration.initializer);
      }
    }
  }
  throw new Error(`${source.fileName}: no \`const ${name} = ...\``);
}

function unwrap(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isParenthesizedExpression(current)) {
    current = current.expression;
  }
  return current;
}

function propertyName(property: ts.ObjectLiteralElementLike, source: ts.SourceFile): string {
  if (!ts.isPropertyAssignment(property) || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) {
    throw new Error(`${source.fileName}: unexpected property \`${property.getText(source)}\``);
  }
  return property.name.text;
}

/** `envSchema` of config.ts: config key -> the variables that set it. */
function readEnvSchema(): Map<string, string[]> {
  const source = parse(LOADER_FILE);
  const schema = constInitializer(source, 'envSchema');
  if (!ts.isObjectLiteralExpression(schema)) throw new Error(`${LOADER_FILE}: envSchema is not an object literal`);
  const byKey = new Map<string, string[]>();
  for (const property of schema.properties) {
    const variable = propertyName(property, source);
    const entry = ts.isPropertyAssignment(property) ? unwrap(property.initializer) : undefined;
    const key = entry && ts.isArrayLiteralExpression(entry) ? entry.elements[0] : undefined;
    if (!key || !ts.isStringLiteral(key)) throw new Error(`${LOADER_FILE}: envSchema.${variable} is not [key, parser]`);
    byKey.set(key.text, [...(byKey.get(key.text) ?? []), variable]);
  }
  return byKey;
}

/** `LLM_ENV_PROVIDERS` of config.ts, upper-cased as the loader does: what `<PROVIDER>` stands for. */
function readProviderPrefixes(): string[] {
  const source = parse(LOADER_FILE);
  const list = constInitializer(source, 'LLM_ENV_PROVIDERS');
  if (!ts.isArrayLiteralExpression(list)) throw new Error(`${LOADER_FILE}: LLM_ENV_PROVIDERS is not an array literal`);
  return list.elements.map((element) => {
    if (!ts.isStringLiteral(element)) throw new Error(`${LOADER_FILE}: LLM_ENV_PROVIDERS holds a non-string`);
    return element.text.toUpperCase();
  });
}

function commentText(range: ts.CommentRange, text: string): string {
  const raw = text.slice(range.pos, range.end);
  const body = range.kind === ts.SyntaxKind.MultiLineCommentTrivia ? raw.replace(/^\/\*\*?/, '').replace(/\*\/$/, '') : raw.slice(2);
  return body
    .split('\n')
    .map((line) => line.replace(/^\s*\*?\s?/, '').trim())
    .filter(Boolean)
    .join(' ');
}

/**
 * The comments before a property. Its meaning is the JSDoc (or the `//` lines) right above it; a blank line
 * before the comments starts a new group, and `//` lines there before a JSDoc, or cut off from the property
 * by a blank line, are the group's section title.
 */
function leadingComments(property: ts.Node, text: string): { startsGroup: boolean; title?: string; meaning?: string } {
  const ranges = ts.getLeadingCommentRanges(text, property.pos) ?? [];
  const blankBetween = (from: number, to: number) => /\n[ \t]*\n/.test(text.slice(from, to));
  let attached = ranges.length;
  let end = property.getStart();
  while (attached > 0 && !blankBetween((ranges[attached - 1] as ts.CommentRange).end, end)) {
    attached -= 1;
    end = (ranges[attached] as ts.CommentRange).pos;
  }
  const last = ranges.at(-1);
  const meaningFrom = last?.kind === ts.SyntaxKind.MultiLineCommentTrivia && attached < ranges.length ? ranges.length - 1 : attached;
  const meaning = ranges.slice(meaningFrom).map((range) => commentText(range, text));
  const before = ranges.slice(0, meaningFrom);
  if (before.some((range) => range.kind !== ts.SyntaxKind.SingleLineCommentTrivia)) {
    throw new Error(
      `${DEFAULTS_FILE}: a comment before ${text.slice(property.getStart(), property.getStart() + 40)} is neither its meaning nor a // section title`,
    );
  }
  const title = before.map((range) => commentText(range, text)).join(' ');
  return {
    startsGroup: blankBetween(property.pos, ranges[0]?.pos ?? property.getStart()),
    ...(title ? { title } : {}),
    ...(meaning.length > 0 ? { meaning: meaning.join(' ') } : {}),
  };
}

/**
 * Splits a comment `NAME_A / NAME_B: meaning` into its names and meaning. A parenthesis after the names
 * (examples of a pattern) is not part of them; a comment without a colon is names only.
 */
function splitComment(comment: string): { names: string[]; meaning: string } {
  const colon = comment.indexOf(': ');
  const head = colon === -1 ? comment : comment.slice(0, colon);
  const names = head
    .replace(/\s*\([^)]*\)\s*$/, '')
    .split(' / ')
    .map((name) => name.trim());
  if (!names.every((name) => /^(<[A-Z]+>)?[A-Z0-9_]+$/.test(name))) {
    throw new Error(`${DEFAULTS_FILE}: a comment must start with its variable names ("NAME: meaning"), got "${comment}"`);
  }
  return { names, meaning: colon === -1 ? '' : comment.slice(colon + 2).trim() };
}

/** A key `envSchema` does not map is read by hand in config.ts: `<PROVIDER>_...` names, one group per provider. */
function expandPattern(names: string[], key: string, providers: string[]): string[] {
  if (!names.every((name) => name.startsWith('<PROVIDER>'))) {
    throw new Error(`${DEFAULTS_FILE}: ${key} has no variable in ${LOADER_FILE}'s envSchema`);
  }
  return providers.flatMap((provider) => names.map((name) => name.replace('<PROVIDER>', provider)));
}

/** Every variable must really set its key: proven for the hand-read ones by loading a config with it. */
function assertSets(key: SettingKey, variable: string): void {
  const before = JSON.stringify(loadConfig({})[key]);
  const after = JSON.stringify(loadConfig({ [variable]: 'http://config-docs.test' })[key]);
  if (before === after) throw new Error(`${variable} does not change ${key}: ${DEFAULTS_FILE}'s comment and ${LOADER_FILE} disagree`);
}

export function readSections(): Section[] {
  const source = parse(DEFAULTS_FILE);
  const text = source.getFullText();
  const object = constInitializer(source, 'defaultConfig');
  if (!ts.isObjectLiteralExpression(object)) throw new Error(`${DEFAULTS_FILE}: defaultConfig is not an object literal`);
  const envSchema = readEnvSchema();
  const providers = readProviderPrefixes();
  const sections: Section[] = [];
  const seen = new Set<string>();
  const commentNames = new Map<Setting, string[]>();

  for (const property of object.properties) {
    const key = propertyName(property, source);
    if (!(key in defaultConfig)) throw new Error(`${DEFAULTS_FILE}: ${key} is not in the defaults object`);
    const settingKey = key as SettingKey;
    seen.add(key);
    const { startsGroup, title, meaning: comment } = leadingComments(property, text);
    let section = sections.at(-1);
    if (!section || startsGroup) {
      section = { title: title ?? SECTION_TITLES[key] ?? '', settings: [] };
      sections.push(section);
    } else if (title) {
      throw new Error(`${DEFAULTS_FILE}: the section title "${title}" before ${key} must follow a blank line`);
    }
    let setting = section.settings.at(-1);
    if (comment !== undefined || !setting) {
      if (comment === undefined) throw new Error(`${DEFAULTS_FILE}: ${key} has no comment (its variable and meaning)`);
      const { names, meaning } = splitComment(comment);
      setting = { keys: [], variables: [], groupSize: names.length, sources: [], meaning };
      section.settings.push(setting);
      commentNames.set(setting, names);
    }
    const initializer = ts.isPropertyAssignment(property) ? unwrap(property.initializer) : property;
    setting.keys.push(settingKey);
    setting.sources.push(initializer.getText(source));
  }

  // Names: from envSchema, checked against the names each comment starts with (in order).
  for (const setting of sections.flatMap((s) => s.settings)) {
    const names = commentNames.get(setting) ?? [];
    const mapped = setting.keys.map((key) => envSchema.get(key));
    if (mapped.every((variables) => variables !== undefined)) {
      setting.variables = mapped as string[][];
      const expected = setting.variables.flat();
      if (names.join(' / ') !== expected.join(' / ')) {
        throw new Error(
          `${DEFAULTS_FILE}: the comment of ${setting.keys.join(', ')} names ${names.join(' / ')}, ${LOADER_FILE} reads ${expected.join(' / ')}`,
        );
      }
    } else if (mapped.every((variables) => variables === undefined) && setting.keys.length === 1) {
      const key = setting.keys[0] as SettingKey;
      setting.variables = [expandPattern(names, key, providers)];
      for (const variable of setting.variables.flat()) assertSets(key, variable);
    } else {
      throw new Error(`${DEFAULTS_FILE}: ${setting.keys.join(', ')} share a comment but not all are in ${LOADER_FILE}'s envSchema`);
    }
  }

  const missing = Object.keys(defaultConfig).filter((key) => !seen.has(key));
  if (missing.length > 0) throw new Error(`${DEFAULTS_FILE}: ${missing.join(', ')} not found in the defaultConfig literal`);
  const documented = new Set(sections.flatMap((s) => s.settings.flatMap((setting) => setting.variables.flat())));
  const undocumented = [...envSchema.values()].flat().filter((variable) => !documented.has(variable));
  if (undocumented.length > 0) throw new Error(`${LOADER_FILE}: ${undocumented.join(', ')} not documented`);

  for (const section of sections) {
    section.title ||= `Settings: ${section.settings.flatMap((s) => s.variables.map((v) => v[0])).join(', ')}`;
  }
  return sections;
}

/** Text for a Markdown table cell: `|` escaped; outside code spans `<` escaped and known variables in code. */
function cell(markdown: string, variables: Set<string>): string {
  return markdown
    .split('`')
    .map((part, index) => {
      if (index % 2 === 1) return part.replaceAll('|', '\\|');
      return part
        .replaceAll('|', '\\|')
        .replaceAll('<', '\\<')
        .replace(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g, (name) => (variables.has(name) ? `\`${name}\`` : name));
    })
    .join('`');
}

function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** A default as the code has it: empty is "(none)"; a computed number shows its expression too. */
function formatDefault(key: SettingKey, sourceText: string, variables: string[]): string {
  const value: unknown = defaultConfig[key];
  const empty = value === '' || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
  if (!empty && variables.some((variable) => SECRET_NAME.test(variable))) {
    throw new Error(`${DEFAULTS_FILE}: ${key} holds a credential; its default must be empty, not printed in ${CONFIGURATION_DOC}`);
  }
  if (empty) return '(none)';
  if (typeof value === 'string') return code(value);
  if (typeof value === 'number') {
    const literal = /^[\d_.]+$/.test(sourceText);
    return literal ? code(String(value)) : `${code(String(value))} (${code(sourceText)})`;
  }
  return code(JSON.stringify(value));
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replaceAll(' ', '-');
}

/** The document, formatted as `npx prettier` would (so format checks and the staleness check agree). */
export async function renderConfigurationDoc(): Promise<string> {
  const sections = readSections();
  const variables = new Set(sections.flatMap((s) => s.settings.flatMap((setting) => setting.variables.flat())));
  const lines = [
    '<!-- Generated by scripts/config-docs.ts from config/default-config.ts: edit the comments there, then run `npm run docs:config`. -->',
    '',
    '# Configuration',
    '',
    `Every setting below has its default in [\`${DEFAULTS_FILE}\`](../${DEFAULTS_FILE}), where the comment above it is the`,
    `meaning shown here. An environment variable overrides a default; [\`${LOADER_FILE}\`](../${LOADER_FILE}) reads and checks`,
    'them at start-up, and a bad value stops the server with a message naming the variable. In parentheses after each',
    "variable is the setting's key in the config object (what the code and the tests' overrides use).",
    '',
    ...sections.map((section) => `- [${section.title}](#${slug(section.title)})`),
  ];
  for (const section of sections) {
    lines.push('', `## ${section.title}`, '', '| variable | default | meaning |', '| --- | --- | --- |');
    for (const setting of section.settings) {
      const names = setting.keys.map((key, i) => {
        const own = setting.variables[i] ?? [];
        const groups: string[] = [];
        for (let at = 0; at < own.length; at += setting.groupSize) {
          groups.push(
            own
              .slice(at, at + setting.groupSize)
              .map(code)
              .join(' / '),
          );
        }
        return `${groups.join(', ')} (${code(key)})`;
      });
      const defaults = setting.keys.map((key, i) => formatDefault(key, setting.sources[i] ?? '', setting.variables[i] ?? []));
      const sameDefault = defaults.every((d) => d === defaults[0]);
      lines.push(
        `| ${cell(names.join(' / '), variables)} | ${cell(sameDefault ? (defaults[0] ?? '') : defaults.join(' / '), variables)} | ${cell(setting.meaning, variables)} |`,
      );
    }
  }
  const target = path.join(root, CONFIGURATION_DOC);
  const options = (await resolveConfig(target)) ?? {};
  return format(`${lines.join('\n')}\n`, { ...options, filepath: target });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const fresh = await renderConfigurationDoc();
  const target = path.join(root, CONFIGURATION_DOC);
  if (process.argv.includes('--check')) {
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current !== fresh) {
      const currentLines = current.split('\n');
      const line = fresh.split('\n').findIndex((text, i) => text !== currentLines[i]);
      process.stderr.write(`${CONFIGURATION_DOC} is stale (first difference at line ${line + 1}): run npm run docs:config\n`);
      process.exit(1);
    }
  } else {
    await writeFile(target, fresh);
    process.stderr.write(`wrote ${CONFIGURATION_DOC}\n`);
  }
}
