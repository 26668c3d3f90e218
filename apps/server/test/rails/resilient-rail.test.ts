import { describe, expect, it } from 'vitest';
import { RailError, type RailAdapter, type RailCallOptions, type RailChargeRequest, type RailPaymentResult } from '../../src/modules/rails/rail-adapter.ts';
import type { ResilienceOptions } from '../../src/config.ts';
import { resilientRail } from '../../src/modules/rails/resilient-rail.ts';

const FAST: ResilienceOptions = { timeoutMs: 50, maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 5, breakerThreshold: 4, breakerHalfOpenAfterMs: 60_000 };

const request: RailChargeRequest = { paymentId: 'pay_1', orgId: 'org_1', amount: 100, currency: 'USD', vendor: { vendorId: 'v', settings: {} }, payer: {}, description: 'd' };

/** An adapter whose charge plays a script: each step fails, hangs, or answers. */
function scripted(steps: Array<'transient' | 'permanent' | 'hang' | 'ok'>) {
  const calls: string[] = [];
  const signals: AbortSignal[] = [];
  const adapter: RailAdapter = {
    name: 'stripe',
    currencies: [],
    async charge(req: RailChargeRequest, options: RailCallOptions): Promise<RailPaymentResult> {
      calls.push(req.paymentId);
      signals.push(options.signal);
      const step = steps.shift() ?? 'ok';
      if (step === 'transient') throw new RailError('rail_unavailable', 'HTTP 503', true, 503);
      if (step === 'permanent') throw new RailError('rail_request_rejected', 'HTTP 400', false, 400);
      if (step === 'hang') {
        await new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve()));
        throw new RailError('rail_timeout', 'aborted', true);
      }
      return { outcome: 'settled', reference: 'ref_1' };
    },
    status: async () => ({ outcome: 'not_found' }),
    refund: async () => ({ outcome: 'succeeded', reference: 'r' }),
  };
  return { adapter, calls, signals };
}

describe('resilientRail', () => {
  it('retries transient failures with the same payment id and returns the eventual answer', async () => {
    const { adapter, calls } = scripted(['transient', 'transient', 'ok']);
    await expect(resilientRail(adapter, FAST).charge(request)).resolves.toEqual({ outcome: 'settled', reference: 'ref_1' });
    expect(calls).toEqual(['pay_1', 'pay_1', 'pay_1']);
  });

  it('does not retry a refusal', async () => {
    const { adapter, calls } = scripted(['permanent', 'ok']);
    await expect(resilientRail(adapter, FAST).charge(request)).rejects.toMatchObject({ code: 'rail_request_rejected', transient: false });
    expect(calls).toHaveLength(1);
  });

  it('gives up after the configured attempts with the last transient error', async () => {
    const { adapter, calls } = scripted(['transient', 'transient', 'transient', 'ok']);
    await expect(resilientRail(adapter, FAST).charge(request)).rejects.toMatchObject({ code: 'rail_unavailable', transient: true });
    expect(calls).toHaveLength(3);
  });

  it('aborts a call that passes the timeout and retries it', async () => {
    const { adapter, calls, signals } = scripted(['hang', 'ok']);
    await expect(resilientRail(adapter, FAST).charge(request)).resolves.toMatchObject({ outcome: 'settled' });
    expect(calls).toHaveLength(2);
    expect(signals[0]!.aborted).toBe(true);
  });

  it('reports a call that keeps timing out as rail_timeout', async () => {
    const { adapter } = scripted(['hang', 'hang', 'hang']);
    await expect(resilientRail(adapter, FAST).charge(request)).rejects.toMatchObject({ code: 'rail_timeout', transient: true });
  });

  it('opens the circuit after consecutive transient failures, then refuses at once without calling the rail', async () => {
    const { adapter, calls } = scripted(Array(10).fill('transient'));
    const rail = resilientRail(adapter, { ...FAST, maxAttempts: 1, breakerThreshold: 3 });
    for (let i = 0; i < 3; i++) await expect(rail.charge(request)).rejects.toMatchObject({ code: 'rail_unavailable' });
    expect(calls).toHaveLength(3);
    await expect(rail.charge(request)).rejects.toMatchObject({ code: 'rail_unavailable', message: expect.stringContaining('circuit open') });
    expect(calls).toHaveLength(3);
  });

  it('keeps the adapter\'s identity and passes webhook parsing through', () => {
    const { adapter } = scripted([]);
    const rail = resilientRail({ ...adapter, consistentStatusLookup: true, parseWebhook: () => ({ kind: 'ignored', eventId: 'e', type: 't' }) }, FAST);
    expect(rail.name).toBe('stripe');
    expect(rail.consistentStatusLookup).toBe(true);
    expect(rail.parseWebhook?.({ rawBody: Buffer.from(''), headers: {}, now: new Date() })).toEqual({ kind: 'ignored', eventId: 'e', type: 't' });
  });
});
