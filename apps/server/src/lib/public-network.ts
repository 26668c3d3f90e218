import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { isPublicAddress } from '@frameos/domain';

/**
 * The connect-time SSRF guard shared by every outbound call made for someone else (webhook
 * deliveries, agents' `ctx.fetch`). The address is checked by the socket's own DNS lookup, so the
 * address checked is the address connected to: a name that resolved to a public address a moment
 * ago and to a private one now (DNS rebinding) is refused before any byte is sent. Every address a
 * name resolves to must be public, so a name cannot smuggle a private address in next to a public one.
 * The rules of what is public are `isPublicAddress` (`packages/domain/src/webhooks/public-address.ts`).
 */

export const NON_PUBLIC_MESSAGE = 'resolves to a non-public address';

/** The error code the lookup fails a connection with. */
export const ENONPUBLIC = 'ENONPUBLIC';

/**
 * The host of a URL when it is an IP literal (brackets of IPv6 removed), else null. Node connects to
 * an IP literal without calling `lookup`, so literals are checked on their own with this.
 */
export function ipLiteralOf(hostname: string): string | null {
  const host = hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? host : null;
}

/** True when `hostname` is an IP literal that is not on the public internet. */
export function isNonPublicLiteral(hostname: string): boolean {
  const ip = ipLiteralOf(hostname);
  return ip !== null && !isPublicAddress(ip);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for `http(s).request` / `net.connect` that resolves once and fails unless every address is public. */
export function publicOnlyLookup(hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as LookupAddress[];
    if (list.length === 0 || !list.every((a) => isPublicAddress(a.address))) {
      return callback(Object.assign(new Error(`the host ${NON_PUBLIC_MESSAGE}`), { code: ENONPUBLIC }), []);
    }
    const wantsAll = (options as { all?: boolean }).all === true;
    if (wantsAll) return callback(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
}

/** True for the error a connection refused by `publicOnlyLookup` fails with. */
export function isNonPublicError(err: unknown): boolean {
  return err instanceof Error && ((err as NodeJS.ErrnoException).code === ENONPUBLIC || err.message.includes('non-public'));
}
