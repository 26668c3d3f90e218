import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from '@frameos/domain';
import { sendWebhook, type SendOptions } from '../src/modules/webhooks/send-webhook.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

describe('sendWebhook', () => {
  let receiver: WebhookReceiver;
  let port: string;
  const secret = generateWebhookSecret();
  const message = { id: 'evt_01TESTSENDWEBHOOK', payload: '{"type":"payment.settled","timestamp":"2030-01-01T00:00:00.000Z","data":{"id":"pay_x"}}' };
  const production = (): SendOptions => ({ timeoutMs: 2_000, production: true, now: new Date() });

  beforeAll(async () => {
    receiver = await startWebhookReceiver({ status: 200 });
    port = new URL(receiver.url).port;
  });
  afterAll(async () => receiver.close());
  beforeEach(() => {
    receiver.requests.length = 0;
    receiver.answer({ status: 200 });
  });

  it('outside production, POSTs the payload signed with Standard Webhooks to a local receiver (control for the refusals below)', async () => {
    const before = receiver.connections();
    const result = await sendWebhook(`http://localhost:${port}/hook`, secret, message, { timeoutMs: 2_000, production: false, now: new Date() });
    expect(result).toMatchObject({ ok: true, status: 200, error: null });
    expect(receiver.connections()).toBeGreaterThan(before);
    expect(receiver.requests).toHaveLength(1);
    const [req] = receiver.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/hook', body: message.payload });
    expect(req!.headers['webhook-id']).toBe(message.id);
    expect(new Webhook(secret).verify(req!.body, receiver.signatureHeaders(0))).toEqual(JSON.parse(message.payload));
  });

  it('reports a non-2xx answer as a failure with its status', async () => {
    receiver.answer({ status: 503 });
    const result = await sendWebhook(`${receiver.url}/hook`, secret, message, { timeoutMs: 2_000, production: false, now: new Date() });
    expect(result).toMatchObject({ ok: false, status: 503, error: 'endpoint answered HTTP 503' });
    expect(receiver.requests).toHaveLength(1);
  });

  it('in production refuses an http:// URL without sending anything', async () => {
    const before = receiver.connections();
    const result = await sendWebhook(`http://127.0.0.1:${port}/hook`, secret, message, production());
    expect(result.ok).toBe(false);
    expect(result.status).toBeNull();
    expect(result.error).toMatch(/https/);
    expect(receiver.connections()).toBe(before);
    expect(receiver.requests).toHaveLength(0);
  });

  it.each([
    ['a loopback IPv4 literal', () => `https://127.0.0.1:${port}/hook`],
    ['a loopback IPv6 literal', () => `https://[::1]:${port}/hook`],
    ['a host name resolving to loopback (localhost)', () => `https://localhost:${port}/hook`],
  ])('in production refuses %s before connecting, saying non-public address', async (_label, url) => {
    const before = receiver.connections();
    const result = await sendWebhook(url(), secret, message, production());
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error).toMatch(/non-public address/);
    // Not even a TCP connection: an https client talking to this plain-http receiver would still show up here.
    expect(receiver.connections()).toBe(before);
    expect(receiver.requests).toHaveLength(0);
  });
});
