// Compiles the server (app, config, internal, pkg) to dist/ with esbuild, one file per source file,
// so production runs plain JavaScript: no TypeScript loader thread at run time, a faster start.
// Skips the work when dist/ is newer than every source file; `--force` rebuilds anyway.
// Then makes sure dist/pglite-seed (a migrated embedded database, see pglite-seed.mjs) is current,
// and builds the web console (web/ -> web/dist) when its sources changed.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib, { brotliCompressSync, gzipSync } from 'node:zlib';
import { ensureSeed } from './pglite-seed.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, 'dist');
const stamp = path.join(out, '.build-stamp');
const SOURCE_DIRS = ['app', 'config', 'internal', 'pkg'];
// Files the code reads at run time next to itself: SQL migrations and the model catalog.
const ASSET_DIRS = ['internal/migration', 'internal/core/llm/catalog'];

function walk(dir, files = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, files);
    else files.push(full);
  }
  return files;
}

const sources = SOURCE_DIRS.flatMap((dir) => walk(path.join(root, dir)));
const inputs = [...sources, path.join(root, 'package.json'), fileURLToPath(import.meta.url)];
const newest = Math.max(...inputs.map((file) => statSync(file).mtimeMs));
const force = process.argv.includes('--force');
if (force || !existsSync(stamp) || statSync(stamp).mtimeMs < newest) await compile();
await ensureSeed(root, out);
await buildConsole();

/** The web console (web/) into web/dist, which the server serves at /; skipped when it is current. */
async function buildConsole() {
  const web = path.join(root, 'web');
  const consoleStamp = path.join(web, 'dist', '.build-stamp');
  const consoleInputs = [
    ...walk(path.join(web, 'src')),
    path.join(web, 'index.html'),
    path.join(web, 'vite.config.ts'),
    path.join(root, 'package-lock.json'),
  ];
  const consoleNewest = Math.max(...consoleInputs.map((file) => statSync(file).mtimeMs));
  if (!force && existsSync(consoleStamp) && statSync(consoleStamp).mtimeMs >= consoleNewest) return;
  let vite;
  try {
    vite = await import('vite');
  } catch {
    // An install without dev dependencies has no bundler: the API runs, the console is absent.
    if (!existsSync(path.join(web, 'dist', 'index.html'))) process.stderr.write('vite is not installed: the web console is not built\n');
    return;
  }
  const started = performance.now();
  await vite.build({ configFile: path.join(web, 'vite.config.ts'), logLevel: 'warn' });
  // Brotli and gzip beside each asset: the server sends them to browsers that accept them (preCompressed).
  for (const file of walk(path.join(web, 'dist')).filter((f) => /\.(js|css|html|svg)$/.test(f))) {
    const body = readFileSync(file);
    writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
    writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
  }
  writeFileSync(consoleStamp, '');
  process.stderr.write(`built web/dist in ${Math.round(performance.now() - started)} ms\n`);
}

async function compile() {
  const started = performance.now();
  // The seed outlives a rebuild: it depends only on PGlite and the migrations, and takes seconds to make.
  for (const entry of existsSync(out) ? readdirSync(out) : []) {
    if (!entry.startsWith('pglite-seed')) rmSync(path.join(out, entry), { recursive: true, force: true });
  }
  await build({
    entryPoints: sources.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')),
    outdir: out,
    outbase: root,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  for (const dir of ASSET_DIRS) {
    for (const file of walk(path.join(root, dir)).filter((f) => /\.(sql|json)$/.test(f))) {
      const target = path.join(out, path.relative(root, file));
      mkdirSync(path.dirname(target), { recursive: true });
      cpSync(file, target);
    }
  }
  // Code finds the version in the package.json two folders above app/http; dist/ gets its own.
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  writeFileSync(path.join(out, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module' })}\n`);
  writeFileSync(stamp, '');
  process.stderr.write(`built dist/ in ${Math.round(performance.now() - started)} ms\n`);
}
