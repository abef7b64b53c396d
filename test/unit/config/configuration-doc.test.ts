import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/default-config.js';
import { renderConfigurationDoc } from '../../../scripts/config-docs.js';

const docFile = new URL('../../../docs/CONFIGURATION.md', import.meta.url);

/** The config keys a table row documents: each variable cell ends its names with "(`key`)". */
function documentedKeys(markdown: string): string[] {
  const keys: string[] = [];
  for (const line of markdown.split('\n')) {
    const variableCell = /^\|([^|]*)\|/.exec(line)?.[1];
    if (!variableCell) continue;
    for (const match of variableCell.matchAll(/\(`(\w+)`\)/g)) keys.push(match[1] ?? '');
  }
  return keys;
}

describe('docs/CONFIGURATION.md', () => {
  it('is what scripts/config-docs.ts generates from config/default-config.ts', async () => {
    const [fresh, onDisk] = await Promise.all([renderConfigurationDoc(), readFile(docFile, 'utf8').catch(() => '')]);
    expect(onDisk, 'docs/CONFIGURATION.md is stale: run npm run docs:config').toBe(fresh);
  });

  it('documents every setting of the defaults object once, in a table row', async () => {
    const keys = documentedKeys(await renderConfigurationDoc());
    expect([...keys].sort()).toEqual(Object.keys(defaultConfig).sort());
  });

  it('gives every row a variable and a default, and a secret its empty default, not the environment', async () => {
    const saved = { SECRET_KEY: process.env.SECRET_KEY, OPENAI_API_KEY: process.env.OPENAI_API_KEY };
    process.env.SECRET_KEY = 'env-secret-that-must-not-be-printed-0123456789';
    process.env.OPENAI_API_KEY = 'sk-env-key-that-must-not-be-printed';
    let doc: string;
    try {
      doc = await renderConfigurationDoc();
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(doc).not.toContain('must-not-be-printed');
    const rows = doc
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| variable') && !line.startsWith('| ---'))
      .map((line) =>
        line
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((cell) => cell.trim()),
      );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row, row[0]).toHaveLength(3);
      const [variable, defaultValue] = row;
      expect(variable).toMatch(/^`[A-Z]/);
      expect(defaultValue, variable).toBeTruthy();
    }
    const secretKeyRow = rows.find(([variable]) => variable?.startsWith('`SECRET_KEY`'));
    expect(secretKeyRow?.[1]).toBe('(none)');
  });
});
