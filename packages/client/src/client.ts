import { randomUUID } from 'node:crypto';
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema.ts';
import { errorFromResponse, NetworkError } from './errors.ts';

export interface ClientOptions {
  /** e.g. http://localhost:3000 */
  baseUrl: string;
  /** An org key (fos_org_…), an agent key (fos_agent_…) or a session token. */
  apiKey: string;
  /** Retries of a request the retry rules allow (default 2); 0 turns them off. */
  retries?: number;
  /** The first wait between tries in ms (doubled each time, with jitter; default 200). */
  retryDelayMs?: number;
  /** Another fetch (tests, proxies); the global one by default. */
  fetch?: typeof fetch;
}

export type Api = Client<paths>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * Whether another try is safe. GET/PUT/DELETE are idempotent by nature; a POST is because it carries
 * an Idempotency-Key: the server answers a second try with the first try's answer (or 409
 * idempotency_key_in_use while the first is still running), so nothing happens twice. A PATCH makes a
 * new version each time, so it is retried only when the server said it did nothing (429).
 */
function retryable(method: string, outcome: { status: number; code?: string } | 'network'): boolean {
  if (outcome !== 'network' && outcome.status === 429) return true;
  if (method === 'PATCH') return false;
  if (outcome === 'network') return SAFE_METHODS.has(method) || method === 'POST';
  if (outcome.status >= 500) return true;
  return method === 'POST' && outcome.status === 409 && outcome.code === 'idempotency_key_in_use';
}

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fetch the typed client uses: the key, an Idempotency-Key on every POST, and the safe retries. */
function frameosFetch(options: ClientOptions): typeof fetch {
  const base = options.fetch ?? fetch;
  const retries = Math.max(0, options.retries ?? 2);
  const delay = options.retryDelayMs ?? 200;
  return async (input, init) => {
    const request = new Request(input, init);
    if (!request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${options.apiKey}`);
    // One key per logical request, the same on every try.
    if (request.method === 'POST' && !request.headers.has('idempotency-key')) request.headers.set('idempotency-key', randomUUID());
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries;
      let response: Response;
      try {
        response = await base(request.clone());
      } catch (err) {
        if (last || !retryable(request.method, 'network')) {
          throw new NetworkError(0, 'network_error', `Could not reach ${options.baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
        }
        await sleep(delay * 2 ** attempt * (0.5 + Math.random()));
        continue;
      }
      if (response.ok || last) return response;
      const code = response.status === 409 ? await errorCode(response) : undefined;
      if (!retryable(request.method, { status: response.status, code })) return response;
      const retryAfter = Number(response.headers.get('retry-after'));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 10_000) : delay * 2 ** attempt * (0.5 + Math.random()));
    }
  };
}

/** The typed API (openapi-fetch over the server's /openapi.json types) with FrameOS's key, idempotency and retries. */
export function createApi(options: ClientOptions): Api {
  return createClient<paths>({ baseUrl: options.baseUrl.replace(/\/+$/, ''), fetch: frameosFetch(options) });
}

/** The data of an answer, or its typed error (PolicyViolationError, InsufficientFundsError, …). */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const result = await call;
  if (result.response.ok) return result.data as T;
  throw errorFromResponse(result.response, result.error);
}
