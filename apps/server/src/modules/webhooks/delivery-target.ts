import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { DomainError, invalidField, isPublicAddress } from '@frameos/domain';

/**
 * In production a webhook may only point at the public internet: every address its host resolves to
 * must be public, so a customer cannot make FrameOS call our own network (SSRF). Delivery re-checks
 * the resolved address at send time, because DNS can change after registration.
 */
export async function assertDeliverableUrl(url: string, production: boolean): Promise<void> {
  if (!production) return;
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:') throw invalid('must use https in production');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await resolve(host);
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) throw invalid('must resolve only to public internet addresses');
}

async function resolve(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw invalid('has a host name that does not resolve');
  }
}

function invalid(reason: string): DomainError {
  return invalidField('body.url', reason);
}
