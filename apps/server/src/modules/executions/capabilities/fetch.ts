import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { z } from 'zod';
import { hostAllowed } from '@frameos/domain';
import type { AppContext } from '../../../context.ts';
import { isNonPublicError, isNonPublicLiteral, publicOnlyLookup } from '../../../lib/public-network.ts';
import type { HostFetchResponse } from '@frameos/sandbox';
import { CapabilityError, type CapabilityHandler, type RunFacts } from '../run-host.ts';
import { MiB, parseArgs, requireCapability } from './support.ts';

/** `ctx.fetch` (capability `http_request`): docs/agents.md, "Capabilities". */
export interface FetchLimits {
  /** The whole call, redirects included. */
  timeoutMs: number;
  /** Response body bytes; a longer body aborts the call. */
  maxResponseBytes: number;
  maxRedirects: number;
  maxRequestBodyBytes: number;
}

export const FETCH_LIMITS: FetchLimits = { timeoutMs: 30_000, maxResponseBytes: 5 * MiB, maxRedirects: 5, maxRequestBodyBytes: 5 * MiB };

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what a header value may not hold
const HEADER_VALUE = /^[^\u0000-\u0008\u000a-\u001f\u007f]{0,8192}$/;

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the host sets itself: dropped from the agent's request. */
const DROPPED_REQUEST_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length', 'accept-encoding', 'expect']);
const HOP_BY_HOP_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** Not sent on to another origin after a redirect (as browsers' fetch and curl do). */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
/** Dropped when a redirect turns the request into a GET without body. */
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location'];

const ArgsSchema = z.tuple([
  z.string().min(1).max(8192),
  z
    .object({
      method: z.string().transform((m) => m.toUpperCase()).pipe(z.enum(METHODS)).optional(),
      headers: z
        .record(z.string().regex(HEADER_NAME, 'a header name is a token (letters, digits, !#$%&\'*+.^_`|~-)'), z.union([z.string(), z.number(), z.boolean()]).transform(String).pipe(z.string().regex(HEADER_VALUE, 'a header value may not contain control characters (max 8192)')))
        .refine((h) => Object.keys(h).length <= 100, 'at most 100 headers')
        .optional(),
      body: z.string().optional(),
    })
    .nullish(),
]).rest(z.unknown());

export { hostAllowed };

interface Hop {
  url: URL;
  method: (typeof METHODS)[number];
  headers: Record<string, string>;
  body: string | undefined;
}

/** The `fetch` handler with the given limits (tests shorten the timeout); `fetchCapability` has the defaults. */
export function createFetchCapability(limits: FetchLimits = FETCH_LIMITS): CapabilityHandler {
  return async (app, facts, args) => {
    requireCapability(facts, 'ctx.fetch', 'http_request');
    const [rawUrl, init] = parseArgs(ArgsSchema, args, 'ctx.fetch');
    const method = init?.method ?? 'GET';
    const body = init?.body;
    if (body !== undefined && (method === 'GET' || method === 'HEAD')) throw new CapabilityError('invalid_arguments', `ctx.fetch: a ${method} request has no body.`);
    if (body !== undefined && Buffer.byteLength(body) > limits.maxRequestBodyBytes) {
      throw new CapabilityError('request_too_large', `ctx.fetch: the request body is larger than ${limits.maxRequestBodyBytes} bytes.`);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(init?.headers ?? {})) {
      const lower = name.toLowerCase();
      if (lower === 'host') throw new CapabilityError('header_not_allowed', 'ctx.fetch: the Host header is set from the URL and may not be overridden.');
      if (DROPPED_REQUEST_HEADERS.has(lower) || lower.startsWith('proxy-')) continue;
      headers[lower] = value;
    }
    headers['user-agent'] ??= 'FrameOS-Agent/0.1';
    headers['accept-encoding'] = 'identity';

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
    try {
      let hop: Hop = { url: checkRequestUrl(app, facts, rawUrl), method, headers, body };
      for (let redirects = 0; ; redirects++) {
        const res = await send(app, hop, limits, controller.signal);
        const location = res.headers.location;
        if (!isRedirect(res.status) || typeof location !== 'string') return toResponse(res, hop.url);
        if (redirects >= limits.maxRedirects) throw new CapabilityError('too_many_redirects', `ctx.fetch: more than ${limits.maxRedirects} redirects.`);
        hop = nextHop(app, facts, hop, res.status, location);
      }
    } catch (err) {
      if (err instanceof CapabilityError) throw err;
      if (controller.signal.aborted) throw new CapabilityError('fetch_timeout', `ctx.fetch: no complete response within ${limits.timeoutMs} ms.`);
      throw translate(err);
    } finally {
      clearTimeout(timer);
    }
  };
}

export const fetchCapability: CapabilityHandler = createFetchCapability();

/**
 * Every hop's URL: http(s) only, https only in production, no credentials, an allowed host, no private
 * IP literal. Also the check of every request `ctx.browser` makes (`api` names the caller in refusals).
 */
export function checkRequestUrl(app: AppContext, facts: RunFacts, raw: string, api = 'ctx.fetch'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CapabilityError('invalid_url', `${api}: not an absolute URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CapabilityError('invalid_url', `${api}: only http and https URLs can be fetched.`);
  if (app.config.env === 'production' && url.protocol !== 'https:') throw new CapabilityError('https_required', `${api}: only https URLs can be fetched in production.`);
  if (url.username || url.password) throw new CapabilityError('invalid_url', `${api}: credentials in the URL are not sent; use an Authorization header.`);
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (!hostAllowed(host, facts.allowedHosts)) {
    throw new CapabilityError('host_not_allowed', facts.allowedHosts.length === 0 ? `${api}: ${host} is not allowed: this deployment allows no hosts (allowed_hosts).` : `${api}: ${host} is not in this deployment's allowed_hosts.`);
  }
  if (!app.config.runtime.allowPrivateNetworks && isNonPublicLiteral(url.hostname)) throw addressRefused(host, api);
  url.hash = '';
  return url;
}

const isRedirect = (status: number) => status === 301 || status === 302 || status === 303 || status === 307 || status === 308;

/** The request after a redirect, as fetch does it: 303 (and 301/302 after POST) become a GET without body; credentials stay on their origin. */
function nextHop(app: AppContext, facts: RunFacts, hop: Hop, status: number, location: string): Hop {
  let target: string;
  try {
    target = new URL(location, hop.url).href;
  } catch {
    throw new CapabilityError('invalid_redirect', 'ctx.fetch: the server redirected to an invalid URL.');
  }
  const url = checkRequestUrl(app, facts, target);
  const headers = { ...hop.headers };
  if (url.origin !== hop.url.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
  const toGet = (status === 303 && hop.method !== 'HEAD') || ((status === 301 || status === 302) && hop.method === 'POST');
  if (toGet) for (const name of BODY_HEADERS) delete headers[name];
  return { url, headers, method: toGet ? 'GET' : hop.method, body: toGet ? undefined : hop.body };
}

interface RawResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request; the socket's own lookup refuses non-public addresses (unless private networks are allowed). */
function send(app: AppContext, hop: Hop, limits: FetchLimits, signal: AbortSignal): Promise<RawResponse> {
  const request = hop.url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string | number> = { ...hop.headers };
  if (hop.body !== undefined) headers['content-length'] = Buffer.byteLength(hop.body);
  return new Promise<RawResponse>((resolve, reject) => {
    // No connection pool (agent: false): every call connects, so every call's address is checked.
    const req = request(hop.url, {
      method: hop.method,
      headers,
      agent: false,
      signal,
      ...(app.config.runtime.allowPrivateNetworks ? {} : { lookup: publicOnlyLookup }),
    }, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (isRedirect(status) && typeof res.headers.location === 'string') {
        res.resume();
        res.on('end', () => resolve({ status, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.alloc(0) }));
        res.on('error', reject);
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (hop.method !== 'HEAD' && Number.isFinite(declared) && declared > limits.maxResponseBytes) {
        req.destroy();
        return reject(tooLarge(limits));
      }
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > limits.maxResponseBytes) {
          req.destroy();
          reject(tooLarge(limits));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('the response was cut off')));
    });
    req.on('error', reject);
    req.end(hop.body);
  });
}

function toResponse(res: RawResponse, url: URL): HostFetchResponse {
  const headers: Record<string, string> = {};
  const named = String(res.headers.connection ?? '').toLowerCase().split(',').map((h) => h.trim());
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined || HOP_BY_HOP_RESPONSE_HEADERS.has(name) || named.includes(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: res.status, statusText: res.statusText, headers, url: url.href, body: new TextDecoder().decode(res.body) };
}

const tooLarge = (limits: FetchLimits) => new CapabilityError('response_too_large', `ctx.fetch: the response body is larger than ${limits.maxResponseBytes} bytes.`);
const addressRefused = (host: string, api: string) => new CapabilityError('address_not_allowed', `${api}: ${host} is a private, loopback, link-local or reserved address.`);

/** Network errors, named without internals (no stack, no resolver details). */
function translate(err: unknown): CapabilityError {
  if (isNonPublicError(err)) return new CapabilityError('address_not_allowed', 'ctx.fetch: the host resolves to a private, loopback, link-local or reserved address.');
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'host not found'
    : code === 'ECONNREFUSED' ? 'connection refused'
    : code === 'ECONNRESET' || code === 'EPIPE' ? 'connection reset'
    : code === 'ETIMEDOUT' ? 'connection timed out'
    : typeof code === 'string' && code.startsWith('ERR_TLS') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'CERT_HAS_EXPIRED' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ? 'TLS certificate not accepted'
    : 'the request failed';
  return new CapabilityError('fetch_failed', `ctx.fetch: ${reason}.`);
}
