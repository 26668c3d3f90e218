import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { DELIVERY_SCHEDULE_MS, DomainError, generateWebhookSecret, isPublicAddress, MAX_DELIVERY_ATTEMPTS, nextDeliveryDelayMs, signWebhook } from '../src/index.ts';

describe('Standard Webhooks signatures', () => {
  it('produces signatures the Standard Webhooks reference library verifies', () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ type: 'payment.settled', timestamp: '2026-11-27T12:00:00.000Z', data: { id: 'pay_1', amount: 199 } });
    const headers = signWebhook(secret, 'msg_1', new Date(), body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('matches the reference library byte for byte', () => {
    const secret = generateWebhookSecret();
    const at = new Date('2026-11-27T10:00:00Z');
    expect(signWebhook(secret, 'msg_2', at, '{"a":1}')['webhook-signature']).toBe(new Webhook(secret).sign('msg_2', at, '{"a":1}'));
  });

  it('fails verification when the body, the id or the secret differ', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook(secret, 'msg_3', new Date(), '{"amount":100}');
    expect(() => new Webhook(secret).verify('{"amount":1000}', { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify('{"amount":100}', { ...headers, 'webhook-id': 'msg_4' })).toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify('{"amount":100}', { ...headers })).toThrow();
  });

  it('issues whsec_ secrets of 32 random bytes, never the same twice', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });

  it('refuses a secret that decodes to fewer than 24 bytes', () => {
    expect(() => signWebhook(`whsec_${Buffer.alloc(10).toString('base64')}`, 'm', new Date(), '{}')).toThrowError(DomainError);
  });
});

describe('isPublicAddress (SSRF guard for webhook targets)', () => {
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });

  it.each([
    '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.1.2.3', '::ffff:7f00:1', 'not-an-ip', '',
  ])('refuses %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it('allows the neighbours just outside the private ranges', () => {
    expect(isPublicAddress('172.15.255.255')).toBe(true);
    expect(isPublicAddress('172.32.0.0')).toBe(true);
    expect(isPublicAddress('11.0.0.0')).toBe(true);
  });
});

describe('nextDeliveryDelayMs', () => {
  it('spans at least 24 hours of retries in total, even with the lowest jitter', () => {
    let total = 0;
    for (let attempts = 1; attempts < MAX_DELIVERY_ATTEMPTS; attempts++) total += nextDeliveryDelayMs(attempts, 0)!;
    expect(total).toBeGreaterThanOrEqual(24 * 3_600_000);
  });

  it('gives up after the last scheduled attempt', () => {
    expect(nextDeliveryDelayMs(MAX_DELIVERY_ATTEMPTS, 0.5)).toBeNull();
    expect(nextDeliveryDelayMs(MAX_DELIVERY_ATTEMPTS - 1, 0.5)).toBe(DELIVERY_SCHEDULE_MS[MAX_DELIVERY_ATTEMPTS - 1]);
  });

  it('grows and stays within ±10 % of the schedule', () => {
    for (let attempts = 1; attempts < MAX_DELIVERY_ATTEMPTS; attempts++) {
      const base = DELIVERY_SCHEDULE_MS[attempts]!;
      expect(nextDeliveryDelayMs(attempts, 0)).toBe(Math.round(base * 0.9));
      expect(nextDeliveryDelayMs(attempts, 1)).toBe(Math.round(base * 1.1));
      expect(DELIVERY_SCHEDULE_MS[attempts]!).toBeGreaterThanOrEqual(DELIVERY_SCHEDULE_MS[attempts - 1]!);
    }
  });

  it('refuses a nonsensical attempt count', () => {
    expect(() => nextDeliveryDelayMs(0, 0.5)).toThrow(RangeError);
    expect(() => nextDeliveryDelayMs(1.5, 0.5)).toThrow(RangeError);
  });
});
