import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const INDEX = '<!doctype html><div id="root"></div>';

describe('the console served beside the API', () => {
  let server: TestServer;
  let none: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'llmops-console-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), INDEX);
    await writeFile(path.join(dir, 'assets', 'index-abc123.js'), 'export const one = 1;');
    await writeFile(path.join(dir, 'assets', 'index-abc123.js.gz'), gzipSync('export const one = 1;'));
    server = await startTestServer({ db: 'pglite', redis: false }, { consoleDir: dir });
    none = await startTestServer({ db: 'pglite', redis: false }, { consoleDir: 'off' });
  });
  afterAll(async () => {
    await server?.close();
    await none?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const html = { accept: 'text/html,application/xhtml+xml' };

  it('serves index.html at / and at a console page a browser opens, never cached', async () => {
    for (const page of ['/', '/studio', '/app/0b7c1f1e-2a6f-4c7e-9d55-1d1b2f1a0c11/configure', '/chat/some-token']) {
      const res = await fetch(`${server.baseUrl}${page}`, { headers: html });
      expect(res.status, page).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe(INDEX);
    }
  });

  it('serves hashed assets as immutable, and a missing one as 404 (not the page)', async () => {
    const asset = await fetch(`${server.baseUrl}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // node:http, not fetch: fetch would undo the encoding before the test could see it.
    const raw = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      http
        .get(`${server.baseUrl}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
    expect(raw.encoding).toBe('gzip');
    expect(gunzipSync(raw.body).toString()).toBe('export const one = 1;');
    const added = path.join(dir, 'assets', 'later-def456.js');
    await writeFile(added, 'export const two = 2;');
    expect((await fetch(`${server.baseUrl}/assets/later-def456.js`)).status).toBe(200);
    const missing = await fetch(`${server.baseUrl}/assets/gone.js`, { headers: html });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'not_found' });
  });

  it('keeps the API answering JSON: its routes win, and API clients get the envelope for unknown paths', async () => {
    const apps = await fetch(`${server.baseUrl}/apps`, { headers: html });
    expect(apps.status).toBe(401);
    expect(await apps.json()).toMatchObject({ code: 'unauthorized' });
    const unknown = await fetch(`${server.baseUrl}/studio`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 'not_found', message: 'no route GET /studio', data: {} });
    const post = await fetch(`${server.baseUrl}/studio`, { method: 'POST', headers: html });
    expect(post.status).toBe(404);
    expect((await server.get('/ping')).body.code).toBe('success');
  });

  it('serves no console with CONSOLE_DIR=off', async () => {
    const res = await fetch(`${none.baseUrl}/`, { headers: html });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'not_found', message: 'no route GET /' });
  });
});
