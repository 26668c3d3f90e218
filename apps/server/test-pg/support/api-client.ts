import { randomUUID } from 'node:crypto';
import type { Requester } from '../../test/support/fixtures.ts';

export interface ApiResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- inspected field by field in tests
}

export async function call(baseUrl: string, method: string, path: string, token: string | null, body?: unknown, idempotencyKey?: string): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers['idempotency-key'] = idempotencyKey ?? randomUUID();
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function expectStatus(promise: Promise<ApiResponse>, status: number): Promise<ApiResponse> {
  const res = await promise;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}

/**
 * A `Requester` on a live server process: the fixtures of the in-process tests (signupOrg,
 * marketplace-kit) then drive it over HTTP, answers shaped as `TestApp.request`'s.
 */
export function httpRequester(baseUrl: string): Requester {
  return {
    request: async (method, path, opts = {}) => {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (method === 'POST' && opts.idempotencyKey !== null) headers['idempotency-key'] = opts.idempotencyKey ?? randomUUID();
      const payload = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
      if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      const res = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      return { status: res.status, headers: Object.fromEntries(res.headers), body, text };
    },
  };
}
