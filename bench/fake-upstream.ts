import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeOpenAiServer } from '../test/fixtures/fake-openai-server.js';

/**
 * The fake OpenAI-compatible upstream in its own process, so it does not share an event loop with
 * the bench client. Line 1 on stdout: its base URL; line 2: a stats URL answering calls and inputs per path.
 */
const upstream = await new FakeOpenAiServer().start();
const stats: Record<string, { calls: number; inputs: number }> = {};
// Count instead of recording: a long run would otherwise keep every request body.
upstream.requests.push = (...records) => {
  for (const r of records) {
    const entry = (stats[r.path] ??= { calls: 0, inputs: 0 });
    entry.calls += 1;
    entry.inputs += Array.isArray(r.body?.input) ? r.body.input.length : 1;
  }
  return 0;
};
const statsServer = createServer((_req, res) => res.end(JSON.stringify(stats)));
await new Promise<void>((resolve) => statsServer.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${upstream.baseUrl}\nhttp://127.0.0.1:${(statsServer.address() as AddressInfo).port}/\n`);
process.on('SIGTERM', () => void upstream.close().then(() => process.exit(0)));
// Re-parented to init: the bench that started it is gone without ending it, so end with it.
setInterval(() => {
  if (process.ppid === 1) process.exit(0);
}, 1000);
