import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningSeed } from '@frameos/domain';
import { FAKE_STRIPE_SECRET_KEY, signedWebhook, startFakeStripe, stripeEvent, type FakeStripe } from '../test/support/fake-stripe.ts';
import { call, expectStatus, type ApiResponse } from './support/api-client.ts';
import { createFreshDatabase } from './support/fresh-database.ts';
import { queryRows, readLedgerInvariants } from './support/ledger-invariants.ts';
import { postRaw } from './support/raw-post.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

/**
 * Refunds and inbound rail webhooks under concurrency: two real server processes share one PostgreSQL
 * database and requests are spread over both, so the guarantees (a refund total within the captured
 * amount, one application per webhook event, one final state per payment) must come from the database
 * — the payment row lock and the event-id claim — not from anything held in process memory.
 */
describe('refunds and rail webhooks across two server processes on one PostgreSQL database', () => {
  let db: { url: string; drop: () => Promise<void> };
  let servers: ServerProcess[] = [];
  let stripe: FakeStripe;
  let orgKey: string;
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;

  const server = (i: number) => servers[i % servers.length]!.baseUrl;

  beforeAll(async () => {
    db = await createFreshDatabase('frameos_rails_conc');
    stripe = await startFakeStripe();
    const shared = {
      DATABASE_URL: db.url,
      MANDATE_SIGN_KEY: generateSigningSeed(),
      JWT_SECRET: `${randomUUID()}${randomUUID()}`, SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      RATE_LIMIT_PER_MINUTE: '1000000',
      DATABASE_POOL_SIZE: '20',
      STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_BASE_URL: stripe.url,
    };
    servers = await Promise.all([startServerProcess(shared), startServerProcess(shared)]);
    const signup = await expectStatus(call(server(0), 'POST', '/auth/signup', null, { email: `r-${randomUUID()}@example.com`, password: 'correct horse battery staple', org_name: 'Rails concurrency' }), 201);
    orgKey = signup.body.api_key;
    await expectStatus(call(server(1), 'POST', '/vendors', orgKey, { vendor_id: 'acme_api', name: 'Acme', rail: 'ledger' }), 201);
    await expectStatus(call(server(0), 'POST', '/vendors', orgKey, { vendor_id: 'stripe_shop', name: 'Stripe Shop', rail: 'stripe' }), 201);
    await expectStatus(call(server(1), 'PUT', '/rail-accounts/stripe', orgKey, { customer: 'cus_RailsConcurrency', payment_method: 'pm_card_visa' }), 200);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await stripe?.stop();
    await db?.drop();
  });

  async function fundedAgent(balance: number) {
    const agent = await expectStatus(call(server(0), 'POST', '/agent-accounts', orgKey, { name: 'agent', risk_tier: 'LOW' }), 201);
    await expectStatus(call(server(1), 'POST', `/agent-accounts/${agent.body.id}/top-ups`, orgKey, { amount: balance, currency: 'INR' }), 201);
    const pol = await expectStatus(
      call(server(0), 'POST', '/policies', orgKey, { agent_account_id: agent.body.id, name: 'p', currency: 'INR', vendor_allowlist: ['acme_api', 'stripe_shop'], per_tx_cap: 50_000, daily_limit: 1_000_000 }),
      201,
    );
    return { id: agent.body.id as string, key: agent.body.api_key as string, policyId: pol.body.id as string };
  }

  /** intent → mandate → execute; returns the payment as execute answers it. */
  async function pay(agent: { key: string; policyId: string }, vendor: string, amount: number) {
    const intent = await expectStatus(call(server(0), 'POST', '/purchase-intents', agent.key, { vendor, amount, currency: 'INR' }), 201);
    const mandate = await expectStatus(call(server(1), 'POST', '/mandates', agent.key, { intent_id: intent.body.id, policy_id: agent.policyId }), 201);
    const executed = await expectStatus(call(server(0), 'POST', '/execute', agent.key, { mandate_id: mandate.body.id }), 200);
    return executed.body as { payment_id: string; status: string; rail_reference: string | null; amount: number };
  }

  async function walletBalance(agentId: string): Promise<number> {
    const account = await expectStatus(call(server(1), 'GET', `/agent-accounts/${agentId}`, orgKey), 200);
    const balances = account.body.wallet.balances as { currency: string; balance: number }[];
    return balances.find((b) => b.currency === 'INR')?.balance ?? 0;
  }

  async function expectLedgerInvariants() {
    const inv = await readLedgerInvariants(db.url);
    expect(inv.unbalancedTransfers).toBe(0);
    expect(inv.nonZeroCurrencies).toEqual([]);
    expect(inv.accountsDisagreeingWithPostings).toBe(0);
    // What the rail clearing accounts hold is exactly the money of payments still waiting for their rail.
    const [clearing] = await queryRows(db.url, "select coalesce(sum(balance), 0)::bigint::text as total from ledger_accounts where type = 'rail_clearing'");
    const [pending] = await queryRows(db.url, "select coalesce(sum(amount), 0)::bigint::text as total from payments where status = 'pending' and rail <> 'ledger'");
    expect(clearing.total).toBe(pending.total);
  }

  async function expectChain(agentId: string, length: number) {
    const chain = await expectStatus(call(server(0), 'GET', `/receipts/verify?agent_account_id=${agentId}`, orgKey), 200);
    expect(chain.body).toMatchObject({ valid: true, length, first_invalid_seq: null });
  }

  async function countRows(sqlText: string, params: unknown[]): Promise<number> {
    const [row] = await queryRows(db.url, `select count(*)::int as n from (${sqlText}) t`, params);
    return row.n;
  }

  async function paymentRow(paymentId: string) {
    const [row] = await queryRows(db.url, 'select status, refunded_amount::int as refunded_amount, transfer_id, failure_code, attention_reason from payments where id = $1', [paymentId]);
    return row as { status: string; refunded_amount: number; transfer_id: string | null; failure_code: string | null; attention_reason: string | null };
  }

  function sendStripeWebhook(i: number, signed: { body: Buffer; headers: Record<string, string> }): Promise<ApiResponse> {
    return postRaw(server(i), '/webhooks/stripe', signed.body, signed.headers);
  }

  it('never refunds more than was captured when 50 partial refunds race over both processes', async () => {
    const captured = 10_000;
    const agent = await fundedAgent(100_000);
    const payment = await pay(agent, 'acme_api', captured);
    expect(payment.status).toBe('settled');
    const walletBefore = await walletBalance(agent.id);
    expect(walletBefore).toBe(90_000);

    // 20 × 1 000, 20 × 700 and 10 × 300 (34 000 requested against 10 000 captured), interleaved.
    const pattern = [1_000, 700, 1_000, 700, 300];
    const requested = Array.from({ length: 50 }, (_, i) => pattern[i % pattern.length]!);
    const results = await Promise.all(
      requested.map((amount, i) => call(server(i), 'POST', `/payments/${payment.payment_id}/refunds`, orgKey, { amount, reason: `partial ${i}` })),
    );

    const accepted = results.map((r, i) => ({ r, amount: requested[i]! })).filter(({ r }) => r.status === 201);
    const rejected = results.map((r, i) => ({ r, amount: requested[i]! })).filter(({ r }) => r.status !== 201);
    for (const { r, amount } of accepted) {
      expect(r.body).toMatchObject({ object: 'refund', payment_id: payment.payment_id, amount, currency: 'INR', status: 'succeeded' });
      expect(r.body.transfer_id).toMatch(/^\S+$/);
    }
    for (const { r, amount } of rejected) {
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(['refund_exceeds_payment', 'payment_fully_refunded']).toContain(r.body.error.code);
      if (r.body.error.code === 'refund_exceeds_payment') expect(r.body.error.remaining).toBeLessThan(amount);
    }
    const refundedTotal = accepted.reduce((sum, { amount }) => sum + amount, 0);
    expect(refundedTotal).toBeGreaterThan(0);
    expect(refundedTotal).toBeLessThanOrEqual(captured);
    // The remainder only shrinks, so a refund refused for lack of room means less than it is left at the end.
    for (const { amount } of rejected) expect(captured - refundedTotal).toBeLessThan(amount);

    // The database agrees with the 201s: refund rows, the reservation on the payment, the wallet, the ledger.
    const refundIds = accepted.map(({ r }) => r.body.id as string);
    expect(new Set(refundIds).size).toBe(accepted.length);
    const rows = await queryRows(db.url, 'select id, status, amount::int as amount from refunds where payment_id = $1', [payment.payment_id]);
    expect(rows.map((row) => row.id).sort()).toEqual([...refundIds].sort());
    expect(rows.every((row) => row.status === 'succeeded')).toBe(true);
    expect(rows.reduce((sum, row) => sum + row.amount, 0)).toBe(refundedTotal);
    expect((await paymentRow(payment.payment_id)).refunded_amount).toBe(refundedTotal);
    expect(await walletBalance(agent.id)).toBe(walletBefore + refundedTotal);
    const [moved] = await queryRows(
      db.url,
      `select count(distinct t.id)::int as n, coalesce(sum(p.amount) filter (where p.amount > 0), 0)::int as total
         from transfers t join postings p on p.transfer_id = t.id where t.kind = 'refund' and t.reference = any($1::text[])`,
      [refundIds],
    );
    expect(moved).toEqual({ n: accepted.length, total: refundedTotal });
    expect(await countRows("select 1 from receipts where payment_id = $1 and body->>'event' = 'payment.refunded'", [payment.payment_id])).toBe(accepted.length);
    await expectChain(agent.id, 1 + accepted.length);
    await expectLedgerInvariants();
  });

  it('gives exactly one 201 for 10 concurrent full refunds of one payment', async () => {
    const agent = await fundedAgent(50_000);
    const payment = await pay(agent, 'acme_api', 4_000);
    const walletBefore = await walletBalance(agent.id);

    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => call(server(i), 'POST', `/payments/${payment.payment_id}/refunds`, orgKey, { reason: `full ${i}` })));
    const accepted = results.filter((r) => r.status === 201);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.body).toMatchObject({ amount: 4_000, status: 'succeeded' });
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body.error.code).toBe('payment_fully_refunded');
    }
    expect(await countRows('select 1 from refunds where payment_id = $1', [payment.payment_id])).toBe(1);
    expect((await paymentRow(payment.payment_id)).refunded_amount).toBe(4_000);
    expect(await walletBalance(agent.id)).toBe(walletBefore + 4_000);
    await expectChain(agent.id, 2);
    await expectLedgerInvariants();
  });

  it('applies one Stripe event once when it is delivered 20 times at once over both processes', async () => {
    const agent = await fundedAgent(100_000);
    const payment = await pay(agent, 'stripe_shop', 8_000);
    expect(payment.status).toBe('pending');
    expect(payment.rail_reference).toMatch(/^pi_/);
    expect(await walletBalance(agent.id)).toBe(92_000);

    const event = stripe.eventFor('payment_intent.succeeded', payment.rail_reference!);
    const signed = signedWebhook(event, webhookSecret);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => sendStripeWebhook(i, signed)));
    for (const r of results) {
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.received).toBe(true);
    }
    const outcomes = results.map((r) => r.body.outcome as string);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(19);
    // A late redelivery is still a duplicate.
    expect((await expectStatus(sendStripeWebhook(1, signed), 200)).body.outcome).toBe('duplicate');

    const row = await paymentRow(payment.payment_id);
    expect(row.status).toBe('settled');
    expect(await countRows("select 1 from receipts where payment_id = $1 and body->>'event' = 'payment.settled'", [payment.payment_id])).toBe(1);
    expect(await countRows("select 1 from transfers where kind = 'payment_capture' and reference = $1", [payment.payment_id])).toBe(1);
    expect(await countRows("select 1 from transfers where kind = 'payment_release' and reference = $1", [payment.payment_id])).toBe(0);
    const [transfer] = await queryRows(db.url, "select id from transfers where kind = 'payment_capture' and reference = $1", [payment.payment_id]);
    expect(row.transfer_id).toBe(transfer.id);
    expect(await countRows("select 1 from events where type = 'payment.settled' and (payload::jsonb)->'data'->>'id' = $1", [payment.payment_id])).toBe(1);
    const claims = await queryRows(db.url, "select outcome, payment_id from rail_webhook_events where rail = 'stripe' and event_id = $1", [event.id]);
    expect(claims).toEqual([{ outcome: 'applied', payment_id: payment.payment_id }]);
    // The hold becomes the payment: the wallet does not move again, the clearing account empties.
    expect(await walletBalance(agent.id)).toBe(92_000);
    await expectChain(agent.id, 2);
    await expectLedgerInvariants();
  });

  it('ends each pending payment in exactly one final state when success and failure events race', async () => {
    const amount = 5_000;
    const agent = await fundedAgent(100_000);
    const payments = [];
    for (let i = 0; i < 6; i++) payments.push(await pay(agent, 'stripe_shop', amount));
    expect(payments.every((p) => p.status === 'pending' && p.rail_reference?.startsWith('pi_'))).toBe(true);
    expect(await walletBalance(agent.id)).toBe(100_000 - 6 * amount);

    const deliveries = payments.map((p) => {
      const intent = stripe.paymentIntents.get(p.rail_reference!);
      if (!intent) throw new Error(`fake Stripe has no PaymentIntent ${p.rail_reference}`);
      const success = stripe.eventFor('payment_intent.succeeded', intent.id);
      const failure = stripeEvent('payment_intent.payment_failed', {
        ...structuredClone(intent),
        status: 'requires_payment_method',
        amount_received: 0,
        last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
      });
      return { payment: p, success, failure, signedSuccess: signedWebhook(success, webhookSecret), signedFailure: signedWebhook(failure, webhookSecret) };
    });

    // Every payment gets its success and its failure three times each, all 36 deliveries at once: each kind
    // reaches both processes, and which kind is sent first alternates from payment to payment.
    const sends = deliveries.flatMap((d, j) =>
      [0, 1, 2].flatMap((k) => {
        const success = { d, kind: 'success' as const, server: j + k };
        const failure = { d, kind: 'failure' as const, server: j + k + 1 };
        return j % 2 === 0 ? [success, failure] : [failure, success];
      }),
    );
    const results = await Promise.all(sends.map((s) => sendStripeWebhook(s.server, s.kind === 'success' ? s.d.signedSuccess : s.d.signedFailure)));
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);

    let settled = 0;
    for (const d of deliveries) {
      const mine = sends.map((s, i) => ({ ...s, outcome: results[i]!.body.outcome as string })).filter((s) => s.d === d);
      const applied = mine.filter((s) => s.outcome === 'applied');
      expect(applied).toHaveLength(1);
      const winner = applied[0]!.kind;
      const loser = winner === 'success' ? 'failure' : 'success';
      // The winner's copies are duplicates; the loser is recorded once (it would move the payment backwards), then duplicates.
      expect(mine.filter((s) => s.kind === winner).map((s) => s.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
      expect(mine.filter((s) => s.kind === loser).map((s) => s.outcome).sort()).toEqual(['duplicate', 'duplicate', 'recorded']);

      const claims = await queryRows(db.url, "select event_id, outcome from rail_webhook_events where rail = 'stripe' and payment_id = $1 order by event_id", [d.payment.payment_id]);
      const winnerEvent = winner === 'success' ? d.success.id : d.failure.id;
      const loserEvent = winner === 'success' ? d.failure.id : d.success.id;
      expect(claims).toHaveLength(2);
      expect(claims).toEqual(expect.arrayContaining([{ event_id: winnerEvent, outcome: 'applied' }, { event_id: loserEvent, outcome: 'recorded' }]));

      const row = await paymentRow(d.payment.payment_id);
      const settledTransfers = await countRows("select 1 from transfers where kind = 'payment_capture' and reference = $1", [d.payment.payment_id]);
      const releaseTransfers = await countRows("select 1 from transfers where kind = 'payment_release' and reference = $1", [d.payment.payment_id]);
      const settledReceipts = await countRows("select 1 from receipts where payment_id = $1 and body->>'event' = 'payment.settled'", [d.payment.payment_id]);
      const failedReceipts = await countRows("select 1 from receipts where payment_id = $1 and body->>'event' = 'payment.failed'", [d.payment.payment_id]);
      if (winner === 'success') {
        settled++;
        expect(row).toMatchObject({ status: 'settled', failure_code: null, attention_reason: null });
        expect([settledTransfers, releaseTransfers, settledReceipts, failedReceipts]).toEqual([1, 0, 1, 0]);
      } else {
        expect(row).toMatchObject({ status: 'failed', failure_code: 'generic_decline' });
        // A success after the funds were released means money may have moved: flagged for a human.
        expect(row.attention_reason).toMatch(/success after the payment was marked failed/);
        expect([settledTransfers, releaseTransfers, settledReceipts, failedReceipts]).toEqual([0, 1, 0, 1]);
      }
    }
    // Released payments gave their funds back, settled ones kept them; nothing is left in clearing.
    expect(await walletBalance(agent.id)).toBe(100_000 - settled * amount);
    await expectChain(agent.id, 2 * payments.length);
    await expectLedgerInvariants();
  });
});
