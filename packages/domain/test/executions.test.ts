import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EXECUTION_TRANSITIONS, FINAL_EXECUTION_STATUSES, nextExecutionStatus, splitMarketplaceCapture, usageCost, type ExecutionStatus, type ExecutionTransition } from '../src/index.ts';
import { expectDomainError } from './expect-domain-error.ts';

const thrownCode = (run: () => unknown) => { try { run(); } catch (err) { return (err as { code?: string }).code; } return undefined; };

const STATUSES: ExecutionStatus[] = ['queued', 'awaiting_approval', 'running', 'succeeded', 'failed', 'timed_out', 'aborted', 'rejected'];

describe('execution state machine', () => {
  it('moves only along the named transitions, and never out of a final state', () => {
    for (const [name, rule] of Object.entries(EXECUTION_TRANSITIONS) as [ExecutionTransition, (typeof EXECUTION_TRANSITIONS)[ExecutionTransition]][]) {
      for (const status of STATUSES) {
        if (rule.from.includes(status)) expect(nextExecutionStatus(status, name)).toBe(rule.to);
        else expect(thrownCode(() => nextExecutionStatus(status, name))).toBe(FINAL_EXECUTION_STATUSES.includes(status) ? 'execution_finished' : 'invalid_transition');
      }
    }
  });

  it('lets a queued, waiting or running execution be aborted, and a finished one not', () => {
    expect(nextExecutionStatus('running', 'abort')).toBe('aborted');
    expect(nextExecutionStatus('awaiting_approval', 'abort')).toBe('aborted');
    expectDomainError(() => nextExecutionStatus('succeeded', 'abort'), 'execution_finished');
  });
});

describe('marketplace capture split', () => {
  it('takes the platform fee rounded down and gives the developer the rest', () => {
    expect(splitMarketplaceCapture(100, 2000)).toEqual({ developer: 80, platform: 20 });
    expect(splitMarketplaceCapture(99, 2000)).toEqual({ developer: 80, platform: 19 });
    expect(splitMarketplaceCapture(1, 2000)).toEqual({ developer: 1, platform: 0 });
    expect(splitMarketplaceCapture(500, 0)).toEqual({ developer: 500, platform: 0 });
    expect(splitMarketplaceCapture(500, 10_000)).toEqual({ developer: 0, platform: 500 });
  });

  it('always adds up to the amount exactly, even where amount × bps passes 2^53', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 10_000 }), (amount, bps) => {
      const split = splitMarketplaceCapture(amount, bps);
      expect(split.developer + split.platform).toBe(amount);
      expect(split.platform).toBe(Number((BigInt(amount) * BigInt(bps)) / 10_000n));
      expect(split.developer).toBeGreaterThanOrEqual(0);
    }));
  });

  it('refuses a fee outside 0..10000 bps or a fractional amount', () => {
    expect(thrownCode(() => splitMarketplaceCapture(100, 10_001))).toBe('invalid_transfer');
    expect(thrownCode(() => splitMarketplaceCapture(1.5, 100))).toBe('invalid_transfer');
  });

  it('prices usage exactly and refuses a cost past the exact range', () => {
    expect(usageCost(3, 25)).toBe(75);
    expect(thrownCode(() => usageCost(Number.MAX_SAFE_INTEGER, 2))).toBe('amount_overflow');
  });
});
