import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { hostAllowed, isPublicAddress } from '@frameos/domain';
import type { HostApi, HostCall, HostFetchResponse } from '@frameos/sandbox';

/** A capability call refused locally: the agent's promise rejects with this code and message, as on the platform. */
export class LocalCapabilityError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'LocalCapabilityError';
  }
}

export interface LocalHostOptions {
  /** The deployment's allowed hosts (`api.example.com`, `*.example.com`); none → ctx.fetch may reach no host, as on the platform. */
  allowedHosts?: readonly string[];
  /** Lets ctx.fetch reach loopback and private addresses (a provider on localhost while developing); the platform refuses them. */
  allowPrivateNetworks?: boolean;
  /** Replaces a host API (a provider stub in a test, `browser.read`, which runs only on the platform). */
  overrides?: Partial<Record<HostApi, (args: unknown[]) => Promise<unknown>>>;
}

/** What a local run's capabilities did, for the developer to look at (nothing is sent by email). */
export interface LocalRecord {
  emails: Record<string, unknown>[];
  events: { type: string; data: unknown }[];
  charges: { units: number; event?: string }[];
  storage: Map<string, string>;
  db: Map<string, unknown>;
}

export const LOCAL_FETCH_MAX_BYTES = 5 * 1024 * 1024;
const MAX_REDIRECTS = 5;

export function newLocalRecord(): LocalRecord {
  return { emails: [], events: [], charges: [], storage: new Map(), db: new Map() };
}

async function checkUrl(raw: string, options: LocalHostOptions): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LocalCapabilityError('invalid_url', 'ctx.fetch: not an absolute URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new LocalCapabilityError('invalid_url', 'ctx.fetch: only http and https URLs can be fetched.');
  if (url.username || url.password) throw new LocalCapabilityError('invalid_url', 'ctx.fetch: credentials in the URL are not sent; use an Authorization header.');
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const allowed = options.allowedHosts ?? [];
  if (!hostAllowed(host, allowed)) {
    throw new LocalCapabilityError('host_not_allowed', allowed.length === 0 ? `ctx.fetch: ${host} is not allowed: this deployment allows no hosts (allowed_hosts).` : `ctx.fetch: ${host} is not in this deployment's allowed_hosts.`);
  }
  if (!options.allowPrivateNetworks) {
    const addresses = isIP(host) ? [host] : await lookup(host, { all: true }).then((list) => list.map((a) => a.address), () => {
      throw new LocalCapabilityError('fetch_failed', `ctx.fetch: ${host}: host not found.`);
    });
    if (addresses.length === 0 || !addresses.every(isPublicAddress)) throw new LocalCapabilityError('address_not_allowed', `ctx.fetch: ${host} is a private, loopback, link-local or reserved address.`);
  }
  url.hash = '';
  return url;
}

async function localFetch(args: unknown[], options: LocalHostOptions): Promise<HostFetchResponse> {
  const [rawUrl, init] = args as [string, { method?: string; headers?: Record<string, string>; body?: string }];
  let url = await checkUrl(String(rawUrl), options);
  let method = init?.method ?? 'GET';
  let body = init?.body;
  for (let redirects = 0; ; redirects++) {
    const res = await fetch(url, { method, headers: { 'user-agent': 'FrameOS-Agent/0.1 (local)', ...(init?.headers ?? {}) }, body, redirect: 'manual' }).catch(() => {
      throw new LocalCapabilityError('fetch_failed', `ctx.fetch: ${url.host}: the request failed.`);
    });
    const location = res.headers.get('location');
    if ([301, 302, 303, 307, 308].includes(res.status) && location) {
      if (redirects >= MAX_REDIRECTS) throw new LocalCapabilityError('too_many_redirects', `ctx.fetch: more than ${MAX_REDIRECTS} redirects.`);
      url = await checkUrl(new URL(location, url).href, options);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length > LOCAL_FETCH_MAX_BYTES) throw new LocalCapabilityError('response_too_large', `ctx.fetch: the response body is larger than ${LOCAL_FETCH_MAX_BYTES} bytes.`);
    return { status: res.status, statusText: res.statusText, headers: Object.fromEntries(res.headers), url: url.href, body: new TextDecoder().decode(bytes) };
  }
}

/**
 * The host side of a local run: the same APIs as the platform's worker, kept in memory. The
 * sandbox lets only the manifest's capabilities through, exactly as on the platform; this side only
 * answers what arrives.
 */
export function localHost(options: LocalHostOptions, record: LocalRecord): (call: HostCall) => Promise<unknown> {
  let totalUnits = 0;
  let emailSeq = 0;
  return async ({ api, args }) => {
    const override = options.overrides?.[api];
    if (override) return override(args);
    switch (api) {
      case 'fetch':
        return localFetch(args, options);
      case 'email.send': {
        const message = (args[0] ?? {}) as Record<string, unknown>;
        record.emails.push(message);
        // The platform's answer shapes; locally nothing is sent (record.emails holds the message).
        const id = `local_email_${++emailSeq}`;
        const sendAt = typeof message.send_at === 'string' ? Date.parse(message.send_at) : NaN;
        return Number.isFinite(sendAt) && sendAt > Date.now()
          ? { status: 'scheduled', id, send_at: new Date(sendAt).toISOString(), message_id: `<${id}@localhost>` }
          : { status: 'sent', message_id: `<${id}@localhost>` };
      }
      case 'storage.put':
        record.storage.set(String(args[0]), String(args[1]));
        return null;
      case 'storage.get':
        return record.storage.get(String(args[0])) ?? null;
      case 'storage.list':
        return [...record.storage.keys()].filter((k) => k.startsWith(String(args[0] ?? ''))).sort();
      case 'storage.delete':
        record.storage.delete(String(args[0]));
        return null;
      case 'db.get':
        return record.db.get(String(args[0])) ?? null;
      case 'db.list':
        return [...record.db.keys()].filter((k) => k.startsWith(String(args[0] ?? ''))).sort();
      case 'db.put':
        record.db.set(String(args[0]), args[1]);
        return null;
      case 'db.delete':
        record.db.delete(String(args[0]));
        return null;
      case 'emit':
        record.events.push({ type: String(args[0]), data: args[1] });
        return null;
      case 'charge': {
        const units = Number(args[0]);
        if (!Number.isSafeInteger(units) || units <= 0) throw new LocalCapabilityError('invalid_charge', 'ctx.charge(units): units must be a positive whole number.');
        const event = (args[1] as { event?: unknown } | undefined)?.event;
        record.charges.push({ units, ...(typeof event === 'string' ? { event } : {}) });
        totalUnits += units;
        return { units, total_units: totalUnits };
      }
      default:
        throw new LocalCapabilityError('capability_unavailable', `${api} runs only on the platform; pass options.host.overrides['${api}'] to answer it in a local run.`);
    }
  };
}
