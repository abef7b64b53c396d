// What the console costs a browser: the JavaScript and CSS the first page downloads (compressed, as
// sent), and the time from navigation to the app list on screen, over loopback with a cold cache.
// Baseline in the same run: a bare HTML page with one element, served by a plain Node server.
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpClient } from '../test/helpers/http-client.js';
import { spawnServer } from '../test/helpers/server-process.js';
import { chromiumPath, launchBrowser } from '../test/browser/console-browser.js';
import type { Browser } from 'playwright-core';
import { fmt, summarize } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const DIST = new URL('../web/dist', import.meta.url).pathname;
const APPS = 40;

if (!chromiumPath()) throw new Error('chromium is not installed (apt-get install -y chromium)');
const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-console-bench-'));
const server = await spawnServer({ STORAGE_DIR: storageDir, SECRET_KEY: 's'.repeat(48), LOG_LEVEL: 'info' });
const bare = createServer((_req, res) => {
  res.setHeader('content-type', 'text/html');
  res.end('<!doctype html><html><body><div data-testid="app-card">app</div></body></html>');
});
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
let browser: Browser | undefined;
try {
  const client = new HttpClient(server.baseUrl);
  const reg = await client.post('/auth/register', { body: { email: 'bench@example.com', password: 'bench-passw0rd', name: 'Bench' } });
  const token = reg.body.data.access_token as string;
  for (let i = 0; i < APPS; i++) await client.post('/apps', { token, body: { name: `App ${i}` } });
  browser = await launchBrowser();

  /** One cold load: bytes of JS and CSS as transferred, and ms from navigation start to the first app card. */
  const load = async (url: string) => {
    const context = await browser!.newContext();
    // Runs in the page, where localStorage exists.
    await context.addInitScript(
      (t) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('llmops.token', t),
      token,
    );
    const page = await context.newPage();
    let js = 0;
    let css = 0;
    const scripts: string[] = [];
    page.on('requestfinished', (request) => {
      void request.sizes().then((sizes) => {
        const type = request.resourceType();
        if (type === 'script') {
          js += sizes.responseBodySize;
          scripts.push(new URL(request.url()).pathname);
        }
        if (type === 'stylesheet') css += sizes.responseBodySize;
      });
    });
    await page.goto(url);
    await page.waitForSelector('[data-testid=app-card]');
    const ms = await page.evaluate(() => performance.now());
    await page.waitForLoadState('networkidle');
    await context.close();
    return { ms, js, css, scripts };
  };

  await load(`${server.baseUrl}/studio`); // warm the server's file cache and the browser's process
  const consoleRuns = [];
  const bareRuns = [];
  for (let i = 0; i < RUNS; i++) {
    bareRuns.push(await load(bareUrl));
    consoleRuns.push(await load(`${server.baseUrl}/studio`));
  }
  const t = summarize(consoleRuns.map((r) => r.ms));
  const b = summarize(bareRuns.map((r) => r.ms));
  const js = consoleRuns.at(-1)!.js / 1024;
  const css = consoleRuns.at(-1)!.css / 1024;
  // The same files gzipped (what a proxy that only speaks gzip would send).
  const gz = consoleRuns.at(-1)!.scripts.reduce((sum, file) => sum + statSync(path.join(DIST, `${file}.gz`)).size, 0) / 1024;
  if (process.env.BENCH_VERBOSE)
    for (const file of consoleRuns.at(-1)!.scripts)
      process.stdout.write(`    ${fmt(statSync(path.join(DIST, `${file}.gz`)).size / 1024)} KiB gz  ${file}\n`);
  process.stdout.write(
    [
      `console bench (${RUNS} cold loads each, loopback, ${APPS} apps)`,
      `  JavaScript for /studio: ${fmt(js)} KiB sent (brotli), ${fmt(gz)} KiB gzipped (target <= 300 KB); CSS ${fmt(css)} KiB`,
      `  navigation -> app list on screen: median ${fmt(t.median, 0)} ms, max ${fmt(t.max, 0)} ms (target 1000)`,
      `  baseline, a bare HTML page: median ${fmt(b.median, 0)} ms, max ${fmt(b.max, 0)} ms`,
      `  added by the console: ${fmt(t.median - b.median, 0)} ms median`,
      '',
    ].join('\n'),
  );
} finally {
  await browser?.close();
  bare.close();
  await server.stop();
  await rm(storageDir, { recursive: true, force: true });
}
