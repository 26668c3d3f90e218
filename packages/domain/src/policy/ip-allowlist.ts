import { BlockList, isIP } from 'node:net';

type ParsedAddress = { address: string; family: 'ipv4' | 'ipv6' };
type ParsedRange = ParsedAddress & { prefix: number };

const MAPPED_IPV4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;
const PREFIX = /^(?:0|[1-9]\d{0,2})$/;

/**
 * The address in one canonical form. An IPv4-mapped IPv6 address (`::ffff:10.1.2.3`, as a
 * dual-stack socket reports IPv4 clients) becomes its IPv4 address, so IPv4 rules apply to it.
 * Zone ids (`fe80::1%eth0`) are refused: they name an interface, not a network.
 */
function parseAddress(ip: string): ParsedAddress | null {
  const version = isIP(ip);
  if (version === 4) return { address: ip, family: 'ipv4' };
  if (version !== 6 || ip.includes('%')) return null;
  // The WHATWG URL serializer compresses and lowercases IPv6 and always prints the mapped tail in hex.
  const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const mapped = MAPPED_IPV4.exec(canonical);
  if (!mapped) return { address: canonical, family: 'ipv6' };
  const high = parseInt(mapped[1] ?? '0', 16);
  const low = parseInt(mapped[2] ?? '0', 16);
  return { address: [high >> 8, high & 255, low >> 8, low & 255].join('.'), family: 'ipv4' };
}

function parseRange(entry: string): ParsedRange | null {
  const [ip = '', prefixText, ...rest] = entry.split('/');
  if (rest.length > 0) return null;
  const ipv6Literal = isIP(ip) === 6;
  const parsed = parseAddress(ip);
  if (!parsed) return null;
  const maxPrefix = ipv6Literal ? 128 : 32;
  const prefix = prefixText === undefined ? maxPrefix : PREFIX.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= maxPrefix)) return null;
  if (ipv6Literal && parsed.family === 'ipv4') {
    // ::ffff:10.0.0.0/104 is 10.0.0.0/8; a shorter prefix also spans non-mapped IPv6 space.
    return prefix >= 96 ? { ...parsed, prefix: prefix - 96 } : { address: ip, family: 'ipv6', prefix };
  }
  return { ...parsed, prefix };
}

/** A bare IPv4/IPv6 address or a CIDR such as `10.0.0.0/8` or `2001:db8::/32`. */
export function isValidCidr(s: string): boolean {
  return typeof s === 'string' && parseRange(s) !== null;
}

/** Whether `ip` falls in any entry; a bare address in the list means exactly that address. */
export function ipAllowed(ip: string, allowlist: readonly string[]): boolean {
  const address = typeof ip === 'string' ? parseAddress(ip) : null;
  if (!address) return false;
  const ranges = new BlockList();
  for (const entry of allowlist) {
    // The schema refuses malformed entries; one that slipped past can only be skipped, never widen access.
    const range = parseRange(entry);
    if (range) ranges.addSubnet(range.address, range.prefix, range.family);
  }
  return ranges.check(address.address, address.family);
}
