import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '@frameos/client/schema';
import { endSession, getSession } from '@/auth/session';

/** An API error as the server sends it: `{"error": {"code", "message", …}}` (docs/errors.md). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    const session = getSession();
    if (session && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${session.token}`);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has('authorization') && getSession()) {
      // The session is over (expired, revoked, member removed): RequireSession sends the user to log in, keeping the place.
      endSession('expired');
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

export async function toApiError(response: Response, body: unknown): Promise<ApiError> {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string') {
    const { code, message, ...details } = error as Record<string, unknown>;
    return new ApiError(response.status, String(code), typeof message === 'string' ? message : String(code), details);
  }
  return new ApiError(response.status, 'http_error', `The server answered ${response.status} ${response.statusText}`.trim());
}

/**
 * Unwraps an openapi-fetch result: the data, or an ApiError carrying the API's code and message.
 * A network failure becomes `network_error`.
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    throw new ApiError(0, 'network_error', err instanceof Error ? `Could not reach the server: ${err.message}` : 'Could not reach the server');
  }
  if (result.response.ok) return result.data as T;
  throw await toApiError(result.response, result.error);
}

/** For POSTs: every one needs an Idempotency-Key except signup and login; one per user action. */
export function idempotencyKey(): string {
  // randomUUID exists only in secure contexts; plain http on a LAN address is not one.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
