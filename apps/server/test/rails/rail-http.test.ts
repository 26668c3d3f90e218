import { describe, expect, it } from 'vitest';
import { thrownBy } from '../support/assertions.ts';
import { WebhookSignatureError } from '../../src/modules/rails/rail-adapter.ts';
import { credentialRedactor, firstLine, parseJson, singleHeader } from '../../src/modules/rails/rail-http.ts';

function refused(run: () => unknown): string {
  const thrown = thrownBy(run);
  expect(thrown).toBeInstanceOf(WebhookSignatureError);
  return (thrown as Error).message;
}

describe('singleHeader', () => {
  it('returns the one value, matching the name case-insensitively', () => {
    expect(singleHeader({ 'stripe-signature': 't=1,v1=abc' }, 'stripe-signature', 'Stripe')).toBe('t=1,v1=abc');
    expect(singleHeader({ 'X-Webhook-Signature': 'sig' }, 'x-webhook-signature', 'Cashfree')).toBe('sig');
    expect(singleHeader({ 'x-webhook-timestamp': ['1700000000000'] }, 'x-webhook-timestamp', 'Cashfree')).toBe('1700000000000');
  });

  it('refuses a missing, empty or repeated header, naming the provider and the header', () => {
    expect(refused(() => singleHeader({}, 'stripe-signature', 'Stripe'))).toBe('Stripe webhook rejected: it needs exactly one non-empty stripe-signature header');
    expect(refused(() => singleHeader({ 'x-webhook-signature': undefined }, 'x-webhook-signature', 'Cashfree'))).toContain('x-webhook-signature');
    refused(() => singleHeader({ 'stripe-signature': '' }, 'stripe-signature', 'Stripe'));
    refused(() => singleHeader({ 'stripe-signature': [] }, 'stripe-signature', 'Stripe'));
    refused(() => singleHeader({ 'stripe-signature': ['a', 'b'] }, 'stripe-signature', 'Stripe'));
    refused(() => singleHeader({ 'stripe-signature': [''] }, 'stripe-signature', 'Stripe'));
    refused(() => singleHeader({ 'Stripe-Signature': 'a', 'stripe-signature': 'a' }, 'stripe-signature', 'Stripe'));
  });
});

describe('credentialRedactor', () => {
  it('masks every occurrence of a known credential to at most its last 4 characters', () => {
    const redact = credentialRedactor(['TEST_client_id_0001', 'cfsk_secret_value_9876', '']);
    expect(redact('id TEST_client_id_0001, secret cfsk_secret_value_9876 and again cfsk_secret_value_9876')).toBe('id ••••0001, secret ••••9876 and again ••••9876');
    expect(redact('nothing to hide')).toBe('nothing to hide');
  });

  it('masks credentials of the same kind that are not ours, by pattern', () => {
    const redact = credentialRedactor(['sk_test_ours1234567890'], [/\b(sk|rk)_(test|live)_[A-Za-z0-9]+/]);
    const text = redact('ours sk_test_ours1234567890, a proxy echoed rk_live_someoneElse5555 and sk_live_other0000');
    expect(text).toBe('ours ••••7890, a proxy echoed ••••5555 and ••••0000');
  });

  it('masks the longer of two overlapping credentials whole', () => {
    expect(credentialRedactor(['abcd', 'abcdefgh1234'])('abcdefgh1234')).toBe('••••1234');
  });
});

describe('parseJson and firstLine', () => {
  it('parses JSON and answers undefined for anything else', () => {
    expect(parseJson('{"a":1}')).toEqual({ a: 1 });
    expect(parseJson('not json')).toBeUndefined();
  });

  it('keeps the first line of a message, or the fallback', () => {
    expect(firstLine(new Error('No signatures found\nLearn more at …'), 'x')).toBe('No signatures found');
    expect(firstLine(new Error(''), 'invalid signature')).toBe('invalid signature');
  });
});
