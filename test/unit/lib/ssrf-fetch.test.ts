import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedAddress } from '../../../internal/lib/ssrf-address.js';
import { BlockedRequestError, createSafeFetch, OutboundRequestError } from '../../../internal/lib/ssrf-fetch.js';

describe('SSRF address check', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.100.100.200',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    'fe80::1',
    'fe80::1%eth0',
    'fd00:ec2::254',
    'fc00::1',
    'ff02::1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
    '[::1]',
  ])('refuses %s', (address) => {
    expect(refusedAddress(address)).toMatch(/is a|is not/);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(refusedAddress(address)).toBeUndefined();
  });
});

describe('guarded fetch', () => {
  let target: Server;
  let redirector: Server;
  let targetConnections = 0;
  let targetPort = 0;
  let redirectorPort = 0;

  beforeAll(async () => {
    target = createServer((req, res) => {
      if (req.url === '/big') return res.end('x'.repeat(5000));
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3000);
      res.setHeader('content-type', 'text/plain');
      res.end(`target ${req.method} ${req.url}`);
    });
    target.on('connection', () => targetConnections++);
    redirector = createServer((req, res) => {
      const to = new URL(req.url!, 'http://x').searchParams.get('to')!;
      res.writeHead(req.url!.startsWith('/see-other') ? 303 : 302, { location: to }).end();
    });
    await Promise.all([
      new Promise<void>((r) => target.listen(0, '127.0.0.1', r)),
      new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r)),
    ]);
    targetPort = (target.address() as AddressInfo).port;
    redirectorPort = (redirector.address() as AddressInfo).port;
  });
  afterAll(async () => {
    target.closeAllConnections();
    redirector.closeAllConnections();
    await Promise.all([new Promise((r) => target.close(r)), new Promise((r) => redirector.close(r))]);
  });

  const settings = { timeoutMs: 1000, maxBytes: 1000 };

  it('refuses loopback by address and by name, without connecting', async () => {
    const fetch = createSafeFetch({ ...settings, allowHosts: [] });
    const before = targetConnections;
    await expect(fetch(`http://127.0.0.1:${targetPort}/`)).rejects.toThrow(/^blocked: 127\.0\.0\.1 is a loopback address/);
    await expect(fetch(`http://[::ffff:127.0.0.1]:${targetPort}/`)).rejects.toBeInstanceOf(BlockedRequestError);
    await expect(fetch(`http://localhost:${targetPort}/`)).rejects.toThrow(/^blocked: localhost resolves to .* loopback address/);
    await expect(fetch(`http://2130706433:${targetPort}/`)).rejects.toBeInstanceOf(BlockedRequestError);
    await expect(fetch('http://169.254.169.254/latest/meta-data/')).rejects.toThrow(/link-local/);
    await expect(fetch('file:///etc/passwd')).rejects.toThrow(/blocked: file: URLs/);
    expect(targetConnections).toBe(before);
  });

  it('reaches an allowed host:port, and re-checks every redirect', async () => {
    const fetch = createSafeFetch({ ...settings, allowHosts: [`127.0.0.1:${redirectorPort}`] });
    const before = targetConnections;
    await expect(fetch(`http://127.0.0.1:${redirectorPort}/?to=http://127.0.0.1:${targetPort}/secret`)).rejects.toThrow(
      /blocked: 127\.0\.0\.1 is a loopback/,
    );
    expect(targetConnections).toBe(before);

    const both = createSafeFetch({ ...settings, allowHosts: [`127.0.0.1:${redirectorPort}`, `127.0.0.1:${targetPort}`] });
    const res = await both(`http://127.0.0.1:${redirectorPort}/see-other?to=http://127.0.0.1:${targetPort}/landed`, {
      method: 'POST',
      body: 'x',
    });
    expect(res.status).toBe(200);
    expect(res.text()).toBe('target GET /landed');
    expect(res.url).toBe(`http://127.0.0.1:${targetPort}/landed`);
  });

  it('caps the size and the time of an answer', async () => {
    const fetch = createSafeFetch({ ...settings, timeoutMs: 300, allowHosts: [`127.0.0.1:${targetPort}`] });
    await expect(fetch(`http://127.0.0.1:${targetPort}/big`)).rejects.toThrow(/larger than 1000 bytes/);
    await expect(fetch(`http://127.0.0.1:${targetPort}/slow`)).rejects.toThrow(OutboundRequestError);
    await expect(fetch(`http://127.0.0.1:${targetPort}/slow`)).rejects.toThrow(/did not answer within 300 ms/);
    await expect(fetch('not a url')).rejects.toThrow(/not a valid URL/);
  });
});
