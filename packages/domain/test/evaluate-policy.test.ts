import { describe, expect, it } from 'vitest';
import { evaluatePolicy, policyTimezone, requiresApproval, type PolicyCheck, type PolicyRules } from '../src/index.ts';
import { expectDomainError } from './expect-domain-error.ts';

const rules: PolicyRules = {
  currency: 'INR',
  vendor_allowlist: ['openai', 'aws'],
  per_tx_cap: 50_000,
  daily_limit: 100_000,
};

// Monday 2026-03-02 12:00 in Kolkata.
const check: PolicyCheck = { vendor: 'openai', amount: 10_000, currency: 'INR', at: new Date('2026-03-02T06:30:00Z'), spentToday: 0 };

function reasonOf(r: PolicyRules, c: Partial<PolicyCheck>) {
  const decision = evaluatePolicy(r, { ...check, ...c });
  return decision.ok ? 'ok' : decision.reason;
}

describe('evaluatePolicy', () => {
  it('allows a payment that meets every rule', () => {
    expect(evaluatePolicy(rules, check)).toEqual({ ok: true });
  });

  describe('currency', () => {
    it('refuses a payment in another currency with currency_mismatch', () => {
      expect(evaluatePolicy(rules, { ...check, currency: 'USD' })).toEqual({
        ok: false,
        reason: 'currency_mismatch',
        message: 'currency USD does not match the policy currency INR',
      });
    });

    it('compares codes exactly, so lowercase is a mismatch', () => {
      expect(reasonOf(rules, { currency: 'inr' })).toBe('currency_mismatch');
    });
  });

  describe('vendor allowlist', () => {
    it('refuses a vendor that is not listed with vendor_not_allowed', () => {
      expect(evaluatePolicy(rules, { ...check, vendor: 'anthropic' })).toEqual({
        ok: false,
        reason: 'vendor_not_allowed',
        message: `vendor "anthropic" is not on the policy's vendor allowlist`,
      });
    });

    it('matches vendor ids exactly, not by prefix or case', () => {
      expect(reasonOf(rules, { vendor: 'aws' })).toBe('ok');
      expect(reasonOf(rules, { vendor: 'aws-evil' })).toBe('vendor_not_allowed');
      expect(reasonOf(rules, { vendor: 'OpenAI' })).toBe('vendor_not_allowed');
    });
  });

  describe('per-transaction cap', () => {
    it('allows an amount exactly at the cap', () => {
      expect(reasonOf(rules, { amount: 50_000 })).toBe('ok');
    });

    it('refuses an amount one minor unit over the per-transaction cap', () => {
      expect(evaluatePolicy(rules, { ...check, amount: 50_001 })).toEqual({
        ok: false,
        reason: 'amount_over_cap',
        message: 'amount 500.01 INR exceeds the per-transaction cap of 500.00 INR',
      });
    });

    it('formats the amounts with the currency exponent', () => {
      const yen: PolicyRules = { ...rules, currency: 'JPY', per_tx_cap: 500, daily_limit: 1000 };
      const decision = evaluatePolicy(yen, { ...check, currency: 'JPY', amount: 501 });
      expect(decision.ok === false && decision.message).toBe('amount 501 JPY exceeds the per-transaction cap of 500 JPY');
    });
  });

  describe('IP allowlist', () => {
    const withIps: PolicyRules = { ...rules, ip_allowlist: ['10.0.0.0/8', '2001:db8::/32'] };

    it('allows a request from a listed network', () => {
      expect(reasonOf(withIps, { ip: '10.1.2.3' })).toBe('ok');
      expect(reasonOf(withIps, { ip: '2001:db8::42' })).toBe('ok');
      expect(reasonOf(withIps, { ip: '::ffff:10.1.2.3' })).toBe('ok');
    });

    it('refuses a request from elsewhere with ip_not_allowed', () => {
      expect(evaluatePolicy(withIps, { ...check, ip: '11.0.0.1' })).toEqual({
        ok: false,
        reason: 'ip_not_allowed',
        message: "IP 11.0.0.1 is not on the policy's IP allowlist",
      });
    });

    it('refuses a request whose IP is unknown when the policy lists IPs', () => {
      expect(evaluatePolicy(withIps, { ...check, ip: undefined })).toEqual({
        ok: false,
        reason: 'ip_not_allowed',
        message: "the policy has an IP allowlist but the request's IP is unknown",
      });
      expect(reasonOf(withIps, { ip: undefined })).toBe('ip_not_allowed');
      expect(reasonOf(withIps, { ip: null })).toBe('ip_not_allowed');
      expect(reasonOf(withIps, { ip: '' })).toBe('ip_not_allowed');
      expect(reasonOf(withIps, { ip: 'not-an-ip' })).toBe('ip_not_allowed');
    });

    it('ignores the IP when the allowlist is absent, null or empty', () => {
      for (const ip_allowlist of [undefined, null, []]) {
        expect(reasonOf({ ...rules, ip_allowlist }, { ip: null })).toBe('ok');
        expect(reasonOf({ ...rules, ip_allowlist }, { ip: '11.0.0.1' })).toBe('ok');
      }
    });
  });

  describe('time window', () => {
    const officeHours: PolicyRules = {
      ...rules,
      time_window: { start: '09:00', end: '17:00', timezone: 'Asia/Kolkata', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
    };

    it('allows a payment from the first minute of the window', () => {
      expect(reasonOf(officeHours, { at: new Date('2026-03-02T03:30:00Z') })).toBe('ok');
    });

    it('refuses a payment one minute before the window opens, saying the local time', () => {
      expect(evaluatePolicy(officeHours, { ...check, at: new Date('2026-03-02T03:29:00Z') })).toEqual({
        ok: false,
        reason: 'outside_time_window',
        message: 'local time mon 08:59 is outside the allowed window 09:00–17:00 Asia/Kolkata on mon, tue, wed, thu, fri',
      });
    });

    it('refuses a payment at the closing minute', () => {
      expect(reasonOf(officeHours, { at: new Date('2026-03-02T11:30:00Z') })).toBe('outside_time_window');
    });

    it('refuses a payment on a day that is not listed', () => {
      expect(reasonOf(officeHours, { at: new Date('2026-03-07T06:30:00Z') })).toBe('outside_time_window');
    });

    it('describes a window without days without a day list', () => {
      const decision = evaluatePolicy(
        { ...rules, time_window: { start: '22:00', end: '06:00', timezone: 'UTC' } },
        { ...check, at: new Date('2026-03-02T12:05:00Z') },
      );
      expect(decision.ok === false && decision.message).toBe('local time mon 12:05 is outside the allowed window 22:00–06:00 UTC');
    });
  });

  describe('daily limit', () => {
    it('allows a payment that brings the day exactly to the limit', () => {
      expect(reasonOf(rules, { amount: 40_000, spentToday: 60_000 })).toBe('ok');
    });

    it('refuses a payment that would pass the limit by one minor unit', () => {
      expect(evaluatePolicy(rules, { ...check, amount: 40_001, spentToday: 60_000 })).toEqual({
        ok: false,
        reason: 'daily_limit_exceeded',
        message: 'amount 400.01 INR on top of 600.00 INR already spent today exceeds the daily limit of 1000.00 INR',
      });
    });

    it('refuses any payment once the limit is spent, or overspent', () => {
      expect(reasonOf(rules, { amount: 1, spentToday: 100_000 })).toBe('daily_limit_exceeded');
      expect(reasonOf(rules, { amount: 1, spentToday: 150_000 })).toBe('daily_limit_exceeded');
    });

    it('compares without overflow near the largest safe integer', () => {
      const huge: PolicyRules = { ...rules, per_tx_cap: Number.MAX_SAFE_INTEGER, daily_limit: Number.MAX_SAFE_INTEGER };
      expect(reasonOf(huge, { amount: Number.MAX_SAFE_INTEGER, spentToday: 0 })).toBe('ok');
      expect(reasonOf(huge, { amount: Number.MAX_SAFE_INTEGER, spentToday: 1 })).toBe('daily_limit_exceeded');
    });
  });

  describe('check order', () => {
    const strict: PolicyRules = {
      ...rules,
      ip_allowlist: ['10.0.0.0/8'],
      time_window: { start: '09:00', end: '17:00', timezone: 'Asia/Kolkata' },
    };
    const everythingWrong: Partial<PolicyCheck> = {
      currency: 'USD',
      vendor: 'anthropic',
      amount: 50_001,
      ip: '11.0.0.1',
      at: new Date('2026-03-02T00:00:00Z'),
      spentToday: 100_000,
    };

    it('reports currency, then vendor, then cap, then IP, then time window, then daily limit', () => {
      const fixes: Partial<PolicyCheck>[] = [
        { currency: 'INR' },
        { vendor: 'openai' },
        { amount: 10_000 },
        { ip: '10.0.0.1' },
        { at: check.at },
        { spentToday: 0 },
      ];
      const reasons: string[] = [];
      let current = everythingWrong;
      for (const fix of fixes) {
        reasons.push(reasonOf(strict, current));
        current = { ...current, ...fix };
      }
      reasons.push(reasonOf(strict, current));
      expect(reasons).toEqual([
        'currency_mismatch',
        'vendor_not_allowed',
        'amount_over_cap',
        'ip_not_allowed',
        'outside_time_window',
        'daily_limit_exceeded',
        'ok',
      ]);
    });
  });

  describe('input', () => {
    it.each([0, -1, 1.5])('throws invalid_amount for an amount of %d', (amount) => {
      expectDomainError(() => evaluatePolicy(rules, { ...check, amount }), 'invalid_amount');
    });

    it('throws invalid_amount for a negative or fractional spentToday', () => {
      expectDomainError(() => evaluatePolicy(rules, { ...check, spentToday: -1 }), 'invalid_amount');
      expectDomainError(() => evaluatePolicy(rules, { ...check, spentToday: 0.5 }), 'invalid_amount');
    });
  });
});

describe('policyTimezone', () => {
  it('is the time window zone when there is one', () => {
    expect(policyTimezone({ ...rules, time_window: { start: '09:00', end: '17:00', timezone: 'Asia/Kolkata' } })).toBe(
      'Asia/Kolkata',
    );
  });

  it('is UTC without a time window', () => {
    expect(policyTimezone(rules)).toBe('UTC');
    expect(policyTimezone({ ...rules, time_window: null })).toBe('UTC');
  });
});

describe('requiresApproval', () => {
  const withThreshold: PolicyRules = { ...rules, approval_threshold: 25_000 };

  it('always requires approval for HIGH risk, however small the amount', () => {
    expect(requiresApproval('HIGH', 1, rules)).toBe(true);
  });

  it('requires approval from exactly the threshold', () => {
    expect(requiresApproval('LOW', 24_999, withThreshold)).toBe(false);
    expect(requiresApproval('LOW', 25_000, withThreshold)).toBe(true);
    expect(requiresApproval('MEDIUM', 25_001, withThreshold)).toBe(true);
  });

  it('never requires approval for LOW or MEDIUM risk without a threshold', () => {
    expect(requiresApproval('LOW', Number.MAX_SAFE_INTEGER, rules)).toBe(false);
    expect(requiresApproval('MEDIUM', Number.MAX_SAFE_INTEGER, { ...rules, approval_threshold: null })).toBe(false);
  });
});
