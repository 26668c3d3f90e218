import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertHoldResolution,
  assertTransferKind,
  decideRefundTransition,
  INTENT_TRANSITIONS,
  nextIntentStatus,
  nextMandateStatus,
  TRANSFER_KIND_NAMES,
  TRANSFER_KINDS,
  visibleMandateStatus,
  type IntentStatus,
  type LedgerAccountType,
  type MandateStatus,
  type RefundStatus,
} from '../src/index.ts';
import { expectDomainError } from './expect-domain-error.ts';

const NOW = new Date('2026-01-01T12:00:00Z');
const later = new Date(NOW.getTime() + 60_000);
const earlier = new Date(NOW.getTime() - 60_000);
const mandate = (status: MandateStatus, expiresAt = later) => ({ status, expiresAt });

describe('the mandate state machine', () => {
  it('uses an active mandate before it expires', () => {
    expect(nextMandateStatus(mandate('active'), 'use', NOW)).toBe('used');
  });

  it.each([
    ['used', later, 'mandate_already_used'],
    ['rejected', later, 'mandate_not_approved'],
    ['pending_approval', later, 'mandate_not_approved'],
    ['active', earlier, 'mandate_expired'],
    ['active', NOW, 'mandate_expired'],
  ] as const)('refuses to use a %s mandate (expiring %s) with %s', (status, expiresAt, code) => {
    expectDomainError(() => nextMandateStatus(mandate(status, expiresAt), 'use', NOW), code);
  });

  it('approves or rejects only a pending mandate, before it expires', () => {
    expect(nextMandateStatus(mandate('pending_approval'), 'approve', NOW)).toBe('active');
    expect(nextMandateStatus(mandate('pending_approval'), 'reject', NOW)).toBe('rejected');
    for (const status of ['active', 'used', 'rejected'] as const) expectDomainError(() => nextMandateStatus(mandate(status), 'approve', NOW), 'mandate_not_pending');
    expectDomainError(() => nextMandateStatus(mandate('pending_approval', earlier), 'reject', NOW), 'mandate_expired');
  });

  it('releases only a used mandate (its payment failed with nothing charged), whatever the time', () => {
    expect(nextMandateStatus(mandate('used', earlier), 'release', NOW)).toBe('active');
    for (const status of ['active', 'pending_approval', 'rejected'] as const) expectDomainError(() => nextMandateStatus(mandate(status), 'release', NOW), 'invalid_transition');
  });

  it('shows an unused mandate past its expiry as expired, and nothing else', () => {
    expect(visibleMandateStatus(mandate('active', earlier), NOW)).toBe('expired');
    expect(visibleMandateStatus(mandate('pending_approval', earlier), NOW)).toBe('expired');
    expect(visibleMandateStatus(mandate('used', earlier), NOW)).toBe('used');
    expect(visibleMandateStatus(mandate('active'), NOW)).toBe('active');
  });
});

describe('the purchase-intent state machine', () => {
  const statuses: IntentStatus[] = ['requires_mandate', 'pending_approval', 'mandated', 'succeeded', 'failed', 'canceled'];

  it('moves only from the listed states, to the listed state', () => {
    fc.assert(fc.property(fc.constantFrom(...statuses), fc.constantFrom(...(Object.keys(INTENT_TRANSITIONS) as (keyof typeof INTENT_TRANSITIONS)[])), (status, transition) => {
      const rule = INTENT_TRANSITIONS[transition];
      if (rule.from.includes(status)) expect(nextIntentStatus(status, transition)).toBe(rule.to);
      else expect(() => nextIntentStatus(status, transition)).toThrow();
    }));
  });

  it('answers a second mandate for an intent with intent_not_mandatable, other wrong moves as internal', () => {
    expectDomainError(() => nextIntentStatus('mandated', 'mandate'), 'intent_not_mandatable');
    expectDomainError(() => nextIntentStatus('canceled', 'await_approval'), 'intent_not_mandatable');
    expectDomainError(() => nextIntentStatus('succeeded', 'succeed'), 'invalid_transition');
  });

  it('never leaves a final state', () => {
    for (const final of ['succeeded', 'failed', 'canceled'] as const) {
      for (const rule of Object.values(INTENT_TRANSITIONS)) expect(rule.from).not.toContain(final);
    }
  });
});

describe('the refund state machine', () => {
  it('succeeds or fails only from pending; news about an ended refund changes nothing', () => {
    expect(decideRefundTransition('pending', 'succeed')).toEqual({ kind: 'apply', next: 'succeeded' });
    expect(decideRefundTransition('pending', 'fail')).toEqual({ kind: 'apply', next: 'failed' });
    for (const status of ['succeeded', 'failed'] as RefundStatus[]) {
      for (const t of ['succeed', 'fail'] as const) expect(decideRefundTransition(status, t)).toEqual({ kind: 'already', status });
    }
  });
});

describe('ledger transfer kinds', () => {
  const types: LedgerAccountType[] = ['agent_wallet', 'vendor_payable', 'test_funding', 'rail_clearing', 'developer_payable', 'platform_revenue'];

  it('allows each kind between its listed account types only', () => {
    for (const kind of TRANSFER_KIND_NAMES) {
      const rule = TRANSFER_KINDS[kind];
      const hold = rule.resolvesHold ? 'trf_hold' : null;
      for (const from of types) {
        for (const to of types) {
          const allowed = rule.from.includes(from) && rule.to.includes(to);
          if (allowed) expect(() => assertTransferKind(kind, from, to, hold)).not.toThrow();
          else expectDomainError(() => assertTransferKind(kind, from, to, hold), 'invalid_transfer');
        }
      }
    }
  });

  it('has a capture and a release name the hold they resolve, and nothing else name one', () => {
    expectDomainError(() => assertTransferKind('payment_capture', 'rail_clearing', 'vendor_payable', null), 'invalid_transfer');
    expectDomainError(() => assertTransferKind('payment_release', 'rail_clearing', 'agent_wallet', null), 'invalid_transfer');
    expectDomainError(() => assertTransferKind('payment', 'agent_wallet', 'vendor_payable', 'trf_hold'), 'invalid_transfer');
    expect(TRANSFER_KIND_NAMES.filter((k) => TRANSFER_KINDS[k].resolvesHold).sort()).toEqual(['payment_capture', 'payment_release']);
  });

  it('resolves a hold in parts, never for more than it holds, and only a payment_hold', () => {
    expect(() => assertHoldResolution({ kind: 'payment_hold', amount: 1_000 }, 0, 700)).not.toThrow();
    expect(() => assertHoldResolution({ kind: 'payment_hold', amount: 1_000 }, 700, 300)).not.toThrow();
    expectDomainError(() => assertHoldResolution({ kind: 'payment_hold', amount: 1_000 }, 700, 301), 'invalid_transfer');
    expectDomainError(() => assertHoldResolution({ kind: 'payment', amount: 1_000 }, 0, 1), 'invalid_transfer');
  });
});
