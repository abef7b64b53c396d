import { spawn, type ChildProcess } from 'node:child_process';
import { FAKE_API_KEY } from '../test/fixtures/fake-openai-server.js';
import type { HttpClient } from '../test/helpers/http-client.js';

export interface UpstreamProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Answers `{ [path]: { calls, inputs } }` counted so far. */
  statsUrl: string;
}

/** Starts bench/fake-upstream.ts in its own process. */
export async function startUpstream(): Promise<UpstreamProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-upstream.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const [baseUrl, statsUrl] = await new Promise<string[]>((resolve) =>
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n').filter(Boolean);
      if (lines.length >= 2) resolve(lines);
    }),
  );
  return { child, baseUrl: baseUrl!, statsUrl: statsUrl! };
}

/** A new account on the server, with the upstream as its openai_compatible provider of `models`; returns its token. */
export async function accountOnUpstream(
  client: HttpClient,
  upstream: UpstreamProcess,
  models: Array<Record<string, unknown>>,
  name = 'bench',
): Promise<string> {
  const registered = await client.post('/auth/register', {
    body: { email: `${name}-${Date.now()}@example.com`, password: 'bench-passw0rd', name: 'Bench' },
  });
  const token = registered.body.data.access_token as string;
  await client.post('/llm-models/openai_compatible/credentials', {
    token,
    body: { api_key: FAKE_API_KEY, base_url: upstream.baseUrl, models, validate: false },
  });
  return token;
}

/** bench/pass-through-proxy.ts in its own process, in front of `upstream`; resolves to its base URL. */
export async function startPassThroughProxy(upstream: UpstreamProcess): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/pass-through-proxy.ts', upstream.baseUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
  });
  return { child, baseUrl };
}

/**
 * Resolves once the upstream has had no new call for `quietMs` (at most `maxMs`): the titles the
 * last path's new conversations asked for in the background are made before the next path is measured.
 */
export async function untilUpstreamQuiet(upstream: UpstreamProcess, quietMs = 1000, maxMs = 180_000): Promise<void> {
  const calls = async () => {
    const stats = (await (await fetch(upstream.statsUrl)).json()) as Record<string, { calls: number }>;
    return Object.values(stats).reduce((n, s) => n + s.calls, 0);
  };
  const deadline = Date.now() + maxMs;
  let last = await calls();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = await calls();
    if (now === last) return;
    last = now;
  }
}
