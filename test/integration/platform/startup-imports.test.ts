import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../../helpers/server-process.js';

/** Packages only some requests need: each loads with its first use, never at start-up (time and memory every start pays). */
const LOADED_ON_FIRST_USE = [
  '@modelcontextprotocol/sdk',
  '@apidevtools/swagger-parser',
  'yaml',
  'node-html-parser',
  'htmlparser2',
  'mathjs',
  'pdfjs-dist',
  'mammoth',
  'nodemailer',
  'openid-client',
  'bullmq',
  'ioredis',
  'pg',
  'gpt-tokenizer',
  'file-type',
  'csv-parse',
];

describe('start-up imports', () => {
  let dir = '';
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads only what start-up needs: optional features wait for their first use', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'llmops-imports-'));
    const record = path.join(dir, 'packages.txt');
    const recorder = new URL('../../fixtures/package-recorder/register.mjs', import.meta.url).href;
    server = await spawnServer({ STORAGE_DIR: path.join(dir, 'storage'), PACKAGE_RECORD_FILE: record }, ['--import', recorder]);
    expect((await fetch(`${server.baseUrl}/ping`)).status).toBe(200);
    const loaded = new Set((await readFile(record, 'utf8')).split('\n').filter(Boolean));
    // The recorder works: what every request uses is there.
    expect(loaded).toContain('fastify');
    expect(loaded).toContain('drizzle-orm');
    expect(LOADED_ON_FIRST_USE.filter((name) => loaded.has(name))).toEqual([]);
  }, 120_000);
});
