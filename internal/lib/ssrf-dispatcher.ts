import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { Agent, Dispatcher } from 'undici';
import { loadUndici } from './undici-loader.js';
import { ipLiteral, refusedAddress } from './ssrf-address.js';

/** The request was refused before any connection was made: the reason is fit to show to a model or a user. */
export class BlockedRequestError extends Error {
  readonly code = 'ERR_BLOCKED_REQUEST';
  constructor(reason: string) {
    super(`blocked: ${reason}`);
    this.name = 'BlockedRequestError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** DNS lookup for net.connect that refuses names resolving to any non-public address. */
function guardedLookup(hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void {
  dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses) => {
    if (err) return callback(err, []);
    for (const { address } of addresses) {
      const refused = refusedAddress(address);
      if (refused) return callback(new BlockedRequestError(`${hostname} resolves to ${refused}`) as NodeJS.ErrnoException, []);
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}

/**
 * Which connection pool a URL may use, or why it may not be fetched: allowed hosts go straight,
 * literal addresses are checked here (a socket to one makes no lookup), names in the guarded lookup.
 */
export function outboundDispatchers(allowHosts: readonly string[]): (url: URL) => Promise<Dispatcher> {
  const allowed = new Set(allowHosts.map((h) => h.trim().toLowerCase()).filter(Boolean));
  let pools: Promise<{ guarded: Agent; open: Agent }> | undefined;
  const poolsOf = () =>
    (pools ??= loadUndici().then(({ Agent }) => ({
      guarded: new Agent({ connect: { lookup: guardedLookup } as never, connections: 32 }),
      open: new Agent({ connections: 32 }),
    })));
  return async (url) => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BlockedRequestError(`${url.protocol} URLs are not fetched`);
    if (url.username || url.password) throw new BlockedRequestError('URLs with credentials are not fetched');
    const host = url.hostname.toLowerCase();
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    if (allowed.has(host) || allowed.has(`${host}:${port}`)) return (await poolsOf()).open;
    const literal = ipLiteral(host);
    const refused = literal === undefined ? undefined : refusedAddress(literal);
    if (refused) throw new BlockedRequestError(refused);
    return (await poolsOf()).guarded;
  };
}
