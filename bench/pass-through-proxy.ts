import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

/**
 * The physical limit of a hop on this machine: a bare Node proxy that pipes each request to the
 * upstream and its answer back, doing nothing else. Runs in its own process; line 1 on stdout is
 * its base URL. The upstream's base URL is argv[2].
 */
const upstream = process.argv[2]!;
const server = createServer(async (req, res) => {
  try {
    const answer = await request(`${upstream}${req.url!.replace(/^\/v1/, '')}`, {
      method: req.method as 'POST',
      headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
      body: req,
    });
    res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'text/event-stream') });
    for await (const chunk of answer.body) res.write(chunk);
    res.end();
  } catch {
    res.destroy();
  }
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1\n`));
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {
  if (process.ppid === 1) process.exit(0);
}, 1000).unref();
