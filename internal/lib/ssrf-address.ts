import ipaddr from 'ipaddr.js';

/**
 * Whether a server-side request may connect to `address`: only global unicast. Loopback, private,
 * link-local (cloud metadata at 169.254.169.254), carrier-grade NAT (Alibaba's metadata), unique
 * local IPv6 (AWS's fd00:ec2::254), multicast, reserved and the translation prefixes that carry an
 * IPv4 address inside an IPv6 one are refused; an IPv4-mapped IPv6 address is judged as its IPv4.
 * Returns why not, or undefined when allowed.
 */
export function refusedAddress(address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // A zone index (fe80::1%eth0) names a link: link-local whatever the address.
  if (bare.includes('%')) return `${address} is a link-local address`;
  if (!ipaddr.isValid(bare)) return `${address} is not an IP address`;
  const parsed = ipaddr.process(bare);
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  return `${address} is a ${RANGE_WORDS[range] ?? `${range} address`}`;
}

const RANGE_WORDS: Record<string, string> = {
  loopback: 'loopback address',
  private: 'private address',
  linkLocal: 'link-local address (cloud metadata lives there)',
  uniqueLocal: 'unique local address',
  carrierGradeNat: 'carrier-grade NAT address',
  unspecified: 'unspecified address',
  broadcast: 'broadcast address',
  multicast: 'multicast address',
  reserved: 'reserved address',
};

/** IP literal hosts as URLs write them (IPv6 in brackets); undefined for a name. */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : undefined;
}
