import { BlockList, isIP } from 'node:net';

/** Why an address may not receive webhooks, by range. */
const RANGES: ReadonlyArray<[network: string, prefix: number, family: 'ipv4' | 'ipv6', reason: string]> = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified ("this network") address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address'],
  ['100.64.0.0', 10, 'ipv4', 'a shared (carrier-grade NAT) address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local or cloud metadata address'],
  ['172.16.0.0', 12, 'ipv4', 'a private address'],
  ['192.0.0.0', 24, 'ipv4', 'a reserved (IETF protocol) address'],
  ['192.0.2.0', 24, 'ipv4', 'a documentation address'],
  ['192.88.99.0', 24, 'ipv4', 'a reserved (6to4 relay) address'],
  ['192.168.0.0', 16, 'ipv4', 'a private address'],
  ['198.18.0.0', 15, 'ipv4', 'a reserved (benchmarking) address'],
  ['198.51.100.0', 24, 'ipv4', 'a documentation address'],
  ['203.0.113.0', 24, 'ipv4', 'a documentation address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved or broadcast address'],
  ['::', 128, 'ipv6', 'an unspecified address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  // IPv4-compatible, IPv4-mapped and translated IPv6 all smuggle an IPv4 address.
  ['::', 96, 'ipv6', 'an IPv4-compatible IPv6 address'],
  ['::ffff:0:0', 96, 'ipv6', 'an IPv4-mapped IPv6 address'],
  ['64:ff9b::', 96, 'ipv6', 'an IPv4-translated (NAT64) address'],
  ['64:ff9b:1::', 48, 'ipv6', 'an IPv4-translated (local-use NAT64) address'],
  // RFC 6052/7915 SIIT: ::ffff:0:a.b.c.d is the IPv4-translated form, beside the mapped ::ffff:a.b.c.d.
  ['::ffff:0:0:0', 96, 'ipv6', 'an IPv4-translated (SIIT) address'],
  // Teredo carries the client's IPv4 address (obfuscated) and a server's: another way to reach IPv4.
  ['2001::', 32, 'ipv6', 'a Teredo (IPv4-tunnelling) address'],
  ['2002::', 16, 'ipv6', 'a 6to4 address'],
  ['100::', 64, 'ipv6', 'a discard-only address'],
  ['2001:db8::', 32, 'ipv6', 'a documentation address'],
  ['fc00::', 7, 'ipv6', 'a unique-local (private) address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['fec0::', 10, 'ipv6', 'a site-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
];

/** Names that are metadata endpoints wherever they resolve. */
export const BLOCKED_HOST_NAMES = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

const lists = RANGES.map(([network, prefix, family, reason]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, family, reason };
});

/**
 * Why the address may not be a webhook target, or null when it may. Takes an IP literal
 * as DNS or the WHATWG URL parser writes it (decimal, octal and hex IPv4 spellings are
 * already normalised by `new URL`); anything that is not an IP literal is refused.
 */
export function blockedAddressReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { list, family: rangeFamily, reason } of lists) {
    if (rangeFamily === type && list.check(bare, type)) return reason;
  }
  return null;
}
