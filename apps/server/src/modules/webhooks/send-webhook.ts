import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { signWebhook } from '@frameos/domain';
import { isNonPublicError, isNonPublicLiteral, publicOnlyLookup } from '../../lib/public-network.ts';

export interface WebhookMessage {
  /** The event id: the Standard Webhooks `webhook-id`, the same on every retry so receivers can dedupe. */
  id: string;
  payload: string;
}

export interface SendResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface SendOptions {
  timeoutMs: number;
  /** In production only public internet addresses may be called (SSRF), checked on the address actually connected to. */
  production: boolean;
  now: Date;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Sends one signed delivery. In production the address is checked at connect time by the socket's
 * own DNS lookup (`lib/public-network.ts`, shared with agents' `ctx.fetch`), so a host that resolved
 * to a public address when the endpoint was registered and to a private one now (DNS rebinding) is
 * refused before any byte is sent.
 */
export function sendWebhook(url: string, secret: string, message: WebhookMessage, options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const done = (ok: boolean, status: number | null, error: string | null): SendResult => ({ ok, status, error, durationMs: Math.round(performance.now() - started) });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(done(false, null, 'invalid URL'));
  }
  if (options.production && target.protocol !== 'https:') return Promise.resolve(done(false, null, 'only https endpoints are called in production'));
  if (options.production && isNonPublicLiteral(target.hostname)) return Promise.resolve(done(false, null, 'the endpoint resolves to a non-public address'));

  const headers = {
    'content-type': 'application/json',
    'user-agent': 'FrameOS-Webhooks/0.1',
    ...signWebhook(secret, message.id, options.now, message.payload),
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    const req = send(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(message.payload) },
      timeout: options.timeoutMs,
      ...(options.production ? { lookup: publicOnlyLookup } : {}),
    }, (res) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) res.destroy();
      });
      const finish = () => {
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        resolve(done(ok, status, ok ? null : `endpoint answered HTTP ${status}`));
      };
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
    });
    req.on('timeout', () => req.destroy(new Error(`no response within ${options.timeoutMs} ms`)));
    req.on('error', (err) => resolve(done(false, null, describe(err))));
    req.end(message.payload);
  });
}

function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (isNonPublicError(err)) return 'the endpoint resolves to a non-public address';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  return err.message.slice(0, 200);
}
