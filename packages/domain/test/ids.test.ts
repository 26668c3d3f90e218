import { describe, expect, it } from 'vitest';
import { hasIdPrefix, ID_PREFIXES, type IdKind } from '../src/index.ts';

const ULID = '01JNQ8ZK3W7Y5V2T1R0P9M8N7B';

describe('ID_PREFIXES', () => {
  it('maps each kind to its prefix', () => {
    expect(ID_PREFIXES).toEqual({
      org: 'org',
      user: 'usr',
      agent_account: 'aga',
      api_key: 'key',
      policy: 'pol',
      intent: 'pi',
      mandate: 'mdt',
      payment: 'pay',
      receipt: 'rcp',
      transfer: 'trf',
      vendor: 'ven',
      ledger_account: 'lac',
      request: 'req',
      webhook_endpoint: 'whe',
      event: 'evt',
      refund: 'rfd',
      developer: 'dev',
      deployment: 'dep',
      execution: 'exe',
      scheduled_email: 'sem',
    });
  });

  it('gives every kind a distinct prefix', () => {
    const prefixes = Object.values(ID_PREFIXES);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});

describe('hasIdPrefix', () => {
  it.each(Object.entries(ID_PREFIXES) as [IdKind, string][])('accepts a ULID with the %s prefix', (kind, prefix) => {
    expect(hasIdPrefix(`${prefix}_${ULID}`, kind)).toBe(true);
  });

  it('refuses the prefix of another kind', () => {
    expect(hasIdPrefix(`pay_${ULID}`, 'mandate')).toBe(false);
    expect(hasIdPrefix(`pi_${ULID}`, 'payment')).toBe(false);
  });

  it.each([
    ['a missing separator', `pay${ULID}`],
    ['25 characters', `pay_${ULID.slice(1)}`],
    ['27 characters', `pay_${ULID}0`],
    ['lowercase', `pay_${ULID.toLowerCase()}`],
    ['the letter I, not in Crockford base32', `pay_${ULID.slice(0, -1)}I`],
    ['the letter U, not in Crockford base32', `pay_${ULID.slice(0, -1)}U`],
    ['a timestamp beyond the 48-bit range', `pay_8${ULID.slice(1)}`],
    ['trailing text', `pay_${ULID}\n`],
    ['a doubled prefix', `pay_pay_${ULID}`],
    ['an empty string', ''],
  ])('refuses an id with %s', (_label, id) => {
    expect(hasIdPrefix(id, 'payment')).toBe(false);
  });

  it('accepts the largest valid ULID', () => {
    expect(hasIdPrefix('pay_7ZZZZZZZZZZZZZZZZZZZZZZZZZ', 'payment')).toBe(true);
  });

  it('refuses a kind that does not exist', () => {
    expect(hasIdPrefix(`pay_${ULID}`, 'toString' as IdKind)).toBe(false);
  });
});
