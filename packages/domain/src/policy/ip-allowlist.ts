import { BlockList, isIP } from 'node:net';

type Family = 'ipv4' | 'ipv6';
type Range = { address: string; family: Family; prefix: number };

const PREFIX = /^(?:0|[1-9]\d{0,2})$/;

/** Zone ids (`fe80::1%eth0`) are refused: they name an interface, not a network. */
function familyOf(ip: string): Family | null {
  if (ip.includes('%')) return null;
  const version = isIP(ip);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : null;
}

function parseRange(entry: string): Range | null {
  const [address = '', prefixText, ...rest] = entry.split('/');
  const family = familyOf(address);
  if (!family || rest.length > 0) return null;
  const maxPrefix = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? maxPrefix : PREFIX.test(prefixText) ? Number(prefixText) : NaN;
  return prefix >= 0 && prefix <= maxPrefix ? { address, family, prefix } : null;
}

/** A bare IPv4/IPv6 address or a CIDR such as `10.0.0.0/8` or `2001:db8::/32`. */
export function isValidCidr(s: string): boolean {
  return typeof s === 'string' && parseRange(s) !== null;
}

/**
 * Whether `ip` falls in any entry; a bare address in the list means exactly that address.
 * BlockList compares an IPv4-mapped IPv6 address (`::ffff:10.1.2.3`, as a dual-stack socket
 * reports IPv4 clients) with IPv4 rules as its IPv4 address, and the other way round.
 */
export function ipAllowed(ip: string, allowlist: readonly string[]): boolean {
  const family = typeof ip === 'string' ? familyOf(ip) : null;
  if (!family) return false;
  const ranges = new BlockList();
  for (const entry of allowlist) {
    // The schema refuses malformed entries; one that slipped past can only be skipped, never widen access.
    const range = parseRange(entry);
    if (range) ranges.addSubnet(range.address, range.prefix, range.family);
  }
  return ranges.check(ip, family);
}
