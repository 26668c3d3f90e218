import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { PolicyRulesSchema, TimeWindowSchema, WeekdaySchema, type PolicyRules, type TimeWindow } from '../src/index.ts';

const valid: PolicyRules = {
  currency: 'INR',
  vendor_allowlist: ['openai', 'aws.marketplace', 'cloud-run_2'],
  per_tx_cap: 50_000,
  daily_limit: 200_000,
  approval_threshold: 25_000,
  time_window: { start: '09:00', end: '18:00', timezone: 'Asia/Kolkata', days: ['mon', 'tue'] },
  ip_allowlist: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7'],
};

function issuesFor(input: unknown): { path: string; message: string }[] {
  const result = PolicyRulesSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

function pathsFor(input: unknown): string[] {
  return issuesFor(input).map((issue) => issue.path);
}

describe('PolicyRulesSchema', () => {
  it('accepts complete, valid rules unchanged', () => {
    expect(PolicyRulesSchema.parse(valid)).toEqual(valid);
  });

  it('accepts the minimal rules, with optional rules absent or null', () => {
    const minimal = { currency: 'USD', vendor_allowlist: ['acme'], per_tx_cap: 1, daily_limit: 1 };
    expect(PolicyRulesSchema.parse(minimal)).toEqual(minimal);
    const nulls = { ...minimal, approval_threshold: null, time_window: null, ip_allowlist: null };
    expect(PolicyRulesSchema.parse(nulls)).toEqual(nulls);
  });

  it('infers a type that fits PolicyRules', () => {
    expectTypeOf<z.infer<typeof PolicyRulesSchema>>().toExtend<PolicyRules>();
    expectTypeOf<z.infer<typeof TimeWindowSchema>>().toExtend<TimeWindow>();
  });

  it('refuses a misspelt rule instead of dropping it', () => {
    expect(issuesFor({ ...valid, per_tx_limit: 5 })).toHaveLength(1);
  });

  describe('currency', () => {
    it.each(['inr', 'XAU', 'ABC', 'IN', 'INRR', ''])('refuses %j', (currency) => {
      expect(pathsFor({ ...valid, currency })).toContain('currency');
    });
  });

  describe('vendor_allowlist', () => {
    it('refuses an empty list', () => {
      expect(pathsFor({ ...valid, vendor_allowlist: [] })).toEqual(['vendor_allowlist']);
    });

    it('refuses duplicates', () => {
      expect(pathsFor({ ...valid, vendor_allowlist: ['acme', 'acme'] })).toEqual(['vendor_allowlist']);
    });

    it('accepts an id of 64 characters and refuses one of 65', () => {
      expect(pathsFor({ ...valid, vendor_allowlist: ['a'.repeat(64)] })).toEqual([]);
      expect(pathsFor({ ...valid, vendor_allowlist: ['a'.repeat(65)] })).toEqual(['vendor_allowlist.0']);
    });

    it.each(['Acme', '-acme', '.acme', 'ac me', 'acme/1', ''])('refuses the id %j', (vendor) => {
      expect(pathsFor({ ...valid, vendor_allowlist: ['ok', vendor] })).toEqual(['vendor_allowlist.1']);
    });
  });

  describe('amounts', () => {
    it.each(['per_tx_cap', 'daily_limit', 'approval_threshold'])('refuses zero, fractions, negatives and unsafe integers in %s', (field) => {
      for (const amount of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, '100']) {
        const rules = { ...valid, per_tx_cap: 1, [field]: amount };
        expect(pathsFor(rules), `${field} = ${String(amount)}`).toContain(field);
      }
    });

    it('accepts a per-transaction cap equal to the daily limit', () => {
      expect(pathsFor({ ...valid, per_tx_cap: 200_000, daily_limit: 200_000 })).toEqual([]);
    });

    it('refuses a per-transaction cap one minor unit over the daily limit, on per_tx_cap', () => {
      expect(issuesFor({ ...valid, per_tx_cap: 200_001, daily_limit: 200_000 })).toEqual([
        { path: 'per_tx_cap', message: 'per_tx_cap must not exceed daily_limit' },
      ]);
    });
  });

  describe('ip_allowlist', () => {
    it('accepts an empty list (no restriction) and exactly 100 entries', () => {
      expect(pathsFor({ ...valid, ip_allowlist: [] })).toEqual([]);
      expect(pathsFor({ ...valid, ip_allowlist: Array.from({ length: 100 }, (_, i) => `10.0.0.${i}`) })).toEqual([]);
    });

    it('refuses 101 entries', () => {
      expect(pathsFor({ ...valid, ip_allowlist: Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`) })).toEqual([
        'ip_allowlist',
      ]);
    });

    it.each(['10.0.0.0/33', '2001:db8::/129', '999.1.1.1', 'localhost', '10.0.0.0/', ''])('refuses %j', (entry) => {
      expect(pathsFor({ ...valid, ip_allowlist: ['10.0.0.1', entry] })).toEqual(['ip_allowlist.1']);
    });
  });
});

describe('TimeWindowSchema', () => {
  const window: TimeWindow = { start: '22:00', end: '06:00', timezone: 'America/New_York' };

  it('accepts a window that wraps past midnight', () => {
    expect(TimeWindowSchema.parse(window)).toEqual(window);
  });

  it.each(['00:00', '23:59', '09:30'])('accepts the time %s', (start) => {
    expect(TimeWindowSchema.safeParse({ ...window, start }).success).toBe(true);
  });

  it.each(['24:00', '23:60', '9:00', '09:00:00', '0900', 'noon', ''])('refuses the time %j', (start) => {
    expect(TimeWindowSchema.safeParse({ ...window, start }).success).toBe(false);
  });

  it('refuses a window whose start equals its end, on end', () => {
    const result = TimeWindowSchema.safeParse({ ...window, end: '22:00' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['end']);
  });

  it.each(['Asia/Kolkata', 'UTC', 'Europe/London', 'America/Santiago'])('accepts the IANA zone %s', (timezone) => {
    expect(TimeWindowSchema.safeParse({ ...window, timezone }).success).toBe(true);
  });

  it.each(['Mars/Olympus_Mons', 'IST+5', '', '+05:30'])('refuses the zone %j', (timezone) => {
    expect(TimeWindowSchema.safeParse({ ...window, timezone }).success).toBe(false);
  });

  it('accepts a subset of weekdays and refuses an empty, repeated or unknown one', () => {
    expect(TimeWindowSchema.safeParse({ ...window, days: ['sat', 'sun'] }).success).toBe(true);
    expect(TimeWindowSchema.safeParse({ ...window, days: [] }).success).toBe(false);
    expect(TimeWindowSchema.safeParse({ ...window, days: ['mon', 'mon'] }).success).toBe(false);
    expect(TimeWindowSchema.safeParse({ ...window, days: ['monday'] }).success).toBe(false);
  });
});

describe('WeekdaySchema', () => {
  it('lists the seven lowercase three-letter weekdays', () => {
    expect(WeekdaySchema.options).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
  });
});
