import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decidePaymentTransition, resolveRefundAmount, type PaymentStatus } from '../src/index.ts';
import { expectDomainError } from './expect-domain-error.ts';

describe('decidePaymentTransition', () => {
  it('applies settle and fail only from pending', () => {
    expect(decidePaymentTransition('pending', 'settle')).toEqual({ kind: 'apply', next: 'settled' });
    expect(decidePaymentTransition('pending', 'fail')).toEqual({ kind: 'apply', next: 'failed' });
  });

  it('treats a repeat of the current outcome as already done', () => {
    expect(decidePaymentTransition('settled', 'settle')).toEqual({ kind: 'already', status: 'settled' });
    expect(decidePaymentTransition('failed', 'fail')).toEqual({ kind: 'already', status: 'failed' });
  });

  it('records a late failure after success without applying it', () => {
    expect(decidePaymentTransition('settled', 'fail')).toEqual({ kind: 'record', attention: null });
  });

  it('records and flags a success after the payment failed and released its funds', () => {
    const decision = decidePaymentTransition('failed', 'settle');
    expect(decision.kind).toBe('record');
    expect(decision.kind === 'record' && decision.attention).toMatch(/success after the payment was marked failed/);
  });

  it('never moves a final payment to another status', () => {
    fc.assert(fc.property(fc.constantFrom<PaymentStatus>('settled', 'failed'), fc.constantFrom('settle' as const, 'fail' as const), (status, t) => {
      expect(decidePaymentTransition(status, t).kind).not.toBe('apply');
    }));
  });
});

describe('resolveRefundAmount', () => {
  it('refunds everything not yet refunded when no amount is given', () => {
    expect(resolveRefundAmount(1000, 0, undefined)).toBe(1000);
    expect(resolveRefundAmount(1000, 300, undefined)).toBe(700);
  });

  it('accepts a partial amount up to what remains', () => {
    expect(resolveRefundAmount(1000, 300, 700)).toBe(700);
    expect(resolveRefundAmount(1000, 0, 1)).toBe(1);
  });

  it('refuses more than remains, naming what remains', () => {
    const err = expectDomainError(() => resolveRefundAmount(1000, 300, 701), 'refund_exceeds_payment');
    expect(err.details).toEqual({ remaining: 700 });
  });

  it('refuses a payment already refunded in full', () => {
    expectDomainError(() => resolveRefundAmount(1000, 1000, undefined), 'payment_fully_refunded');
    expectDomainError(() => resolveRefundAmount(1000, 1000, 1), 'payment_fully_refunded');
  });

  it('refuses zero, negative and fractional amounts', () => {
    for (const bad of [0, -5, 1.5, Number.NaN]) expectDomainError(() => resolveRefundAmount(1000, 0, bad), 'invalid_amount');
  });

  it('never lets the refunded total exceed the payment (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e12 }), fc.array(fc.option(fc.integer({ min: 1, max: 1e12 }), { nil: undefined }), { maxLength: 8 }), (amount, requests) => {
      let refunded = 0;
      for (const requested of requests) {
        try {
          refunded += resolveRefundAmount(amount, refunded, requested);
        } catch {
          // refused: nothing refunded
        }
        expect(refunded).toBeLessThanOrEqual(amount);
      }
    }));
  });
});
