import type { ApiResponse } from './api-client.ts';

/**
 * POSTs exact bytes with exact headers and no API key or Idempotency-Key: what a rail does when it
 * delivers a signed webhook (the signature covers the raw body, so it must not be re-serialized).
 */
export async function postRaw(baseUrl: string, path: string, body: Buffer, headers: Record<string, string>): Promise<ApiResponse> {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: new Uint8Array(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
