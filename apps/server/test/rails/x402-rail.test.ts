import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Address } from 'viem';
import { RailError, type RailAdapter, type RailChargeRequest, type RailPaymentResult } from '../../src/modules/rails/rail-adapter.ts';
import { createX402Rail } from '../../src/modules/rails/x402/x402-rail.ts';
import { atomicToMinorString, centsToAtomic } from '../../src/modules/rails/x402/x402-money.ts';
import { startX402Harness, type X402Harness } from '../support/x402-harness.ts';

const options = { signal: new AbortController().signal };

/** Records the payment headers the rail sends, and can lose the answer to the next paid request. */
class RecordingFetch {
  readonly sentSignatures: string[] = [];
  private dropNextPaidAnswer = false;
  private failNextPaid = false;

  /** The vendor receives (and settles) the next paid request, but its answer never arrives. */
  loseNextPaidAnswer(): void {
    this.dropNextPaidAnswer = true;
  }

  /** The next paid request never reaches the vendor. */
  failNextPaidRequest(): void {
    this.failNextPaid = true;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const signature = new Headers(init?.headers).get('payment-signature');
    if (signature) this.sentSignatures.push(signature);
    if (signature && this.failNextPaid) {
      this.failNextPaid = false;
      throw new TypeError('fetch failed: connect ECONNRESET');
    }
    const response = await fetch(input, init);
    if (signature && this.dropNextPaidAnswer) {
      this.dropNextPaidAnswer = false;
      await response.body?.cancel();
      throw new TypeError('fetch failed: socket hang up');
    }
    return response;
  };
}

let harness: X402Harness;
let rail: RailAdapter;
let recorder: RecordingFetch;
let paymentCounter = 0;

beforeAll(async () => {
  harness = await startX402Harness();
  recorder = new RecordingFetch();
  rail = createX402Rail(
    { walletPrivateKey: harness.payerPrivateKey, network: harness.network, rpcUrl: harness.rpcUrl },
    { fetch: recorder.fetch },
  );
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function chargeRequest(path: string, amountCents: number, settings: Record<string, unknown> = {}): RailChargeRequest {
  paymentCounter += 1;
  return {
    paymentId: `pay_x402_${paymentCounter}`,
    orgId: 'org_test',
    amount: amountCents,
    currency: 'USD',
    vendor: { vendorId: 'vnd_test', settings: { endpoint_url: `${harness.vendorUrl}${path}`, asset: harness.tokenAddress, ...settings } },
    payer: {},
    description: `test payment ${paymentCounter}`,
  };
}

async function balances(): Promise<Record<'payer' | 'payTo' | 'other', bigint>> {
  return {
    payer: await harness.balanceOf(harness.payerAddress),
    payTo: await harness.balanceOf(harness.payToAddress),
    other: await harness.balanceOf(harness.otherPayToAddress),
  };
}

function expectSettled(result: RailPaymentResult): Extract<RailPaymentResult, { outcome: 'settled' }> {
  if (result.outcome !== 'settled') throw new Error(`expected settled, got ${JSON.stringify(result)}`);
  return result;
}

function expectFailed(result: RailPaymentResult): Extract<RailPaymentResult, { outcome: 'failed' }> {
  if (result.outcome !== 'failed') throw new Error(`expected failed, got ${JSON.stringify(result)}`);
  return result;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function decodeHeader(value: string | null): Record<string, unknown> {
  if (!value) throw new Error('header missing');
  return JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as Record<string, unknown>;
}

describe('amount conversion', () => {
  it('converts cents to atomic units exactly, never above the mandate', () => {
    expect(centsToAtomic(150n, 6)).toBe(1_500_000n);
    expect(centsToAtomic(1n, 18)).toBe(10_000_000_000_000_000n);
    expect(centsToAtomic(7n, 2)).toBe(7n);
    expect(centsToAtomic(199n, 0)).toBe(1n);
  });

  it('converts atomic units back to an exact decimal string of cents', () => {
    expect(atomicToMinorString(1_230_000n, 6)).toBe('123');
    expect(atomicToMinorString(10_001n, 6)).toBe('1.0001');
    expect(atomicToMinorString(10n, 6)).toBe('0.001');
    expect(atomicToMinorString(5n, 0)).toBe('500');
  });
});

describe('x402 rail against a local chain, facilitator and vendor', () => {
  it('pays a vendor: settled with the transaction hash, balances moved by exactly the price', async () => {
    const before = await balances();
    const result = expectSettled(await rail.charge(chargeRequest('/weather', 100, { pay_to: harness.payToAddress.toLowerCase() }), options));
    expect(result.reference).toMatch(/^0x[0-9a-f]{64}$/);
    expect(result.details).toMatchObject({
      network: harness.network,
      asset: harness.tokenAddress,
      amount_atomic: '10000',
      amount_minor: '1',
    });
    expect(result.details?.['payer']?.toLowerCase()).toBe(harness.payerAddress.toLowerCase());
    expect(result.details?.['pay_to']?.toLowerCase()).toBe(harness.payToAddress.toLowerCase());
    expect(result.details?.['nonce']).toMatch(/^0x[0-9a-f]{64}$/);
    const after = await balances();
    expect(before.payer - after.payer).toBe(10_000n);
    expect(after.payTo - before.payTo).toBe(10_000n);
  });

  it('pays with the configured method, a price equal to the mandate', async () => {
    const before = await balances();
    const result = expectSettled(await rail.charge(chargeRequest('/reports', 123, { method: 'POST' }), options));
    expect(result.details).toMatchObject({ amount_atomic: '1230000', amount_minor: '123' });
    const after = await balances();
    expect(before.payer - after.payer).toBe(1_230_000n);
  });

  it('chooses the option our policy allows among several', async () => {
    const before = await balances();
    const result = expectSettled(await rail.charge(chargeRequest('/choice', 100), options));
    expect(result.details).toMatchObject({ network: harness.network, amount_atomic: '20000', amount_minor: '2' });
    const after = await balances();
    expect(before.payer - after.payer).toBe(20_000n);
  });

  it.each([
    { name: 'price above the mandate', path: '/premium', cents: 249, settings: {}, why: /exceeds the mandate's 2490000/ },
    { name: 'price not a whole number of cents', path: '/sub-cent', cents: 100, settings: {}, why: /not a whole number of cents/ },
    { name: 'wrong network', path: '/mainnet-only', cents: 100, settings: {}, why: /network eip155:8453 is not eip155:31337/ },
    { name: 'wrong asset', path: '/other-asset', cents: 100, settings: {}, why: /asset 0x000000000000000000000000000000000000dEaD is not/i },
    { name: 'payTo mismatch', path: '/weather', cents: 100, settings: { pay_to: '0x90F79bf6EB2c4f870365E785982E1f101E93b906' }, why: /payTo .* is not the vendor's/ },
  ])('refuses to pay: $name, and nothing moves', async ({ path, cents, settings, why }) => {
    const before = await balances();
    const result = expectFailed(await rail.charge(chargeRequest(path, cents, settings), options));
    expect(result).toMatchObject({ reference: null, code: 'x402_no_acceptable_requirement' });
    expect(result.message).toMatch(why);
    expect(await balances()).toEqual(before);
  });

  it('charges once when charge is called twice for the same payment', async () => {
    const before = await balances();
    const request = chargeRequest('/weather', 100);
    const first = expectSettled(await rail.charge(request, options));
    const second = expectSettled(await rail.charge(request, options));
    expect(second.reference).toBe(first.reference);
    const after = await balances();
    expect(before.payer - after.payer).toBe(10_000n);
    expect(after.payTo - before.payTo).toBe(10_000n);
  });

  it('re-sends the same authorization after a lost answer, and it settles only once', async () => {
    const before = await balances();
    const request = chargeRequest('/weather', 100);
    const sentBefore = recorder.sentSignatures.length;
    recorder.loseNextPaidAnswer();
    const lost = await rail.charge(request, options).catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(RailError);
    expect(lost).toMatchObject({ code: 'x402_network_error', transient: true });

    // The vendor did settle the lost attempt: the chain says so even without details.
    const status = expectSettled(await rail.status({ paymentId: request.paymentId, reference: null, amount: 100, currency: 'USD', details: {} }, options));

    const retried = expectSettled(await rail.charge(request, options));
    const sent = recorder.sentSignatures.slice(sentBefore);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe(sent[0]);
    expect(retried.reference).toBe(status.reference);
    expect(retried.reference).toMatch(/^0x[0-9a-f]{64}$/);
    const after = await balances();
    expect(before.payer - after.payer).toBe(10_000n);
    expect(after.payTo - before.payTo).toBe(10_000n);
  });

  it('without an RPC URL, a re-sent authorization the facilitator saw used leaves the payment pending, not failed', async () => {
    const blindRecorder = new RecordingFetch();
    const blind = createX402Rail(
      { walletPrivateKey: harness.payerPrivateKey, network: harness.network, rpcUrl: null },
      { fetch: blindRecorder.fetch },
    );
    const before = await balances();
    const request = chargeRequest('/weather', 100);
    blindRecorder.loseNextPaidAnswer();
    await expect(blind.charge(request, options)).rejects.toMatchObject({ transient: true });
    const retried = await blind.charge(request, options);
    expect(retried).toMatchObject({ outcome: 'pending', reference: expect.stringMatching(/^eip3009:0x[0-9a-fA-F]{40}:0x[0-9a-f]{64}$/) });
    const after = await balances();
    expect(before.payer - after.payer).toBe(10_000n);
  });

  it('signs a new authorization only once the unsent one has expired unused, and pays once', async () => {
    const before = await balances();
    const request = chargeRequest('/weather', 100);
    const sentBefore = recorder.sentSignatures.length;
    recorder.failNextPaidRequest();
    await expect(rail.charge(request, options)).rejects.toMatchObject({ code: 'x402_network_error', transient: true });
    // Unused but still valid: the payment may yet settle, so status must not say not_found.
    const pendingStatus = await rail.status({ paymentId: request.paymentId, reference: null, amount: 100, currency: 'USD', details: {} }, options);
    expect(pendingStatus.outcome).toBe('unknown');

    const later = Date.now() + 10 * 60 * 1000;
    vi.spyOn(Date, 'now').mockReturnValue(later);
    const expiredStatus = await rail.status({ paymentId: request.paymentId, reference: null, amount: 100, currency: 'USD', details: {} }, options);
    expect(expiredStatus).toEqual({ outcome: 'not_found' });
    const retried = expectSettled(await rail.charge(request, options));
    vi.restoreAllMocks();

    const sent = recorder.sentSignatures.slice(sentBefore);
    expect(sent).toHaveLength(2);
    expect(sent[1]).not.toBe(sent[0]);
    expect(retried.details?.['amount_atomic']).toBe('10000');
    const after = await balances();
    expect(before.payer - after.payer).toBe(10_000n);
  });

  it('a payment the facilitator refuses fails with its reason, and nothing moves', async () => {
    const before = await balances();
    // The payer holds 100 USDC; this vendor asks 500.
    const result = expectFailed(await rail.charge(chargeRequest('/expensive', 50_000), options));
    expect(result).toMatchObject({ reference: null, code: 'x402_payment_refused' });
    expect(result.message).toMatch(/insufficient_balance/);
    expect(await balances()).toEqual(before);
  });

  it('a replayed signature sent directly to the vendor is refused by the facilitator', async () => {
    const sentBefore = recorder.sentSignatures.length;
    expectSettled(await rail.charge(chargeRequest('/weather', 100), options));
    const signature = recorder.sentSignatures[sentBefore];
    if (!signature) throw new Error('the rail sent no payment signature');
    const before = await balances();
    const replay = await fetch(`${harness.vendorUrl}/weather`, { headers: { 'PAYMENT-SIGNATURE': signature } });
    await replay.body?.cancel();
    expect(replay.status).toBe(402);
    expect(String(decodeHeader(replay.headers.get('payment-required'))['error'])).toMatch(/nonce_already_used/);
    expect(await balances()).toEqual(before);
  });

  it('an unreachable vendor is a transient rail error', async () => {
    const request = chargeRequest('/weather', 100);
    request.vendor.settings['endpoint_url'] = `http://127.0.0.1:${await closedPort()}/weather`;
    const error = await rail.charge(request, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RailError);
    expect(error).toMatchObject({ transient: true });
  });

  it('a vendor without endpoint_url is not configured', async () => {
    const request = chargeRequest('/weather', 100);
    delete request.vendor.settings['endpoint_url'];
    const error = await rail.charge(request, options).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'vendor_not_configured', transient: false });
  });

  it('status reads the authorization state on chain', async () => {
    const charged = expectSettled(await rail.charge(chargeRequest('/weather', 100), options));
    const details = charged.details ?? {};
    const settled = await rail.status({ paymentId: 'pay_elsewhere', reference: charged.reference, amount: 100, currency: 'USD', details }, options);
    expect(settled).toMatchObject({ outcome: 'settled', reference: charged.reference });

    const unknownNonce = { payer: harness.payerAddress, asset: harness.tokenAddress, nonce: `0x${randomBytes(32).toString('hex')}` };
    const missing = await rail.status({ paymentId: 'pay_never_charged', reference: null, amount: 100, currency: 'USD', details: unknownNonce }, options);
    expect(missing).toEqual({ outcome: 'not_found' });

    const noDetails = await rail.status({ paymentId: 'pay_never_seen', reference: null, amount: 100, currency: 'USD', details: {} }, options);
    expect(noDetails.outcome).toBe('unknown');
  });

  it('refunds are not supported by the protocol', async () => {
    const result = await rail.refund(
      { paymentId: 'pay_x', refundId: 'rfd_x', reference: `0x${'ab'.repeat(32)}`, amount: 1, currency: 'USD', reason: 'test' },
      options,
    );
    expect(result).toMatchObject({ outcome: 'failed', code: 'refund_not_supported' });
  });

  it('without an RPC URL, status cannot tell', async () => {
    const blind = createX402Rail({ walletPrivateKey: harness.payerPrivateKey, network: harness.network, rpcUrl: null });
    const details = { payer: harness.payerAddress as Address, asset: harness.tokenAddress, nonce: `0x${randomBytes(32).toString('hex')}` };
    const result = await blind.status({ paymentId: 'pay_y', reference: null, amount: 1, currency: 'USD', details }, options);
    expect(result.outcome).toBe('unknown');
  });
});
