import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningSeed } from '@frameos/domain';
import { call, expectStatus } from './support/api-client.ts';
import { createFreshDatabase } from './support/fresh-database.ts';
import { queryRows, readLedgerInvariants } from './support/ledger-invariants.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

/**
 * Two real server processes share one PostgreSQL database, as in production. Requests are spread
 * over both, so any exactly-once guarantee must come from the database, not from process memory.
 */
describe('concurrency across two server processes on one PostgreSQL database', () => {
  let db: { url: string; drop: () => Promise<void> };
  let servers: ServerProcess[] = [];
  let orgKey: string;

  const server = (i: number) => servers[i % servers.length]!.baseUrl;

  beforeAll(async () => {
    db = await createFreshDatabase();
    const shared = { DATABASE_URL: db.url, MANDATE_SIGN_KEY: generateSigningSeed(), JWT_SECRET: `${randomUUID()}${randomUUID()}`, SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64url'), RATE_LIMIT_PER_MINUTE: '1000000', DATABASE_POOL_SIZE: '20' };
    // Both start at once on an empty database: the migration lock must let exactly one migrate.
    servers = await Promise.all([startServerProcess(shared), startServerProcess(shared)]);
    const signup = await expectStatus(call(server(0), 'POST', '/auth/signup', null, { email: `c-${randomUUID()}@example.com`, password: 'correct horse battery staple', org_name: 'Concurrency' }), 201);
    orgKey = signup.body.api_key;
    await expectStatus(call(server(1), 'POST', '/vendors', orgKey, { vendor_id: 'acme_api', name: 'Acme', rail: 'ledger' }), 201);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  });

  async function fundedAgent(balance: number, policy: Record<string, unknown>) {
    const agent = await expectStatus(call(server(0), 'POST', '/agent-accounts', orgKey, { name: 'agent', risk_tier: 'LOW' }), 201);
    await expectStatus(call(server(1), 'POST', `/agent-accounts/${agent.body.id}/top-ups`, orgKey, { amount: balance, currency: 'INR' }), 201);
    const pol = await expectStatus(
      call(server(0), 'POST', '/policies', orgKey, { agent_account_id: agent.body.id, name: 'p', currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 50_000, daily_limit: 1_000_000, ...policy }),
      201,
    );
    return { id: agent.body.id as string, key: agent.body.api_key as string, policyId: pol.body.id as string };
  }

  async function expectLedgerInvariants() {
    const inv = await readLedgerInvariants(db.url);
    expect(inv.unbalancedTransfers).toBe(0);
    expect(inv.nonZeroCurrencies).toEqual([]);
    expect(inv.accountsDisagreeingWithPostings).toBe(0);
  }

  it('migrated the empty database exactly once although both processes started together', async () => {
    const journal = JSON.parse(readFileSync(fileURLToPath(new URL('../../../packages/db/migrations/meta/_journal.json', import.meta.url)), 'utf8'));
    const rows = await queryRows(db.url, 'select count(*)::int as n from drizzle.__drizzle_migrations');
    expect(rows[0].n).toBe(journal.entries.length);
  });

  it('gives exactly one 200 for 50 concurrent executes of one mandate spread over both processes', async () => {
    const agent = await fundedAgent(100_000, {});
    const intent = await expectStatus(call(server(0), 'POST', '/purchase-intents', agent.key, { vendor: 'acme_api', amount: 7_000, currency: 'INR' }), 201);
    const mandate = await expectStatus(call(server(1), 'POST', '/mandates', agent.key, { intent_id: intent.body.id, policy_id: agent.policyId }), 201);

    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call(server(i), 'POST', '/execute', agent.key, { mandate_id: mandate.body.id })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'mandate_already_used')).toBe(true);

    const payments = await queryRows(db.url, 'select count(*)::int as n from payments where mandate_id = $1', [mandate.body.id]);
    expect(payments[0].n).toBe(1);
    const account = await expectStatus(call(server(0), 'GET', `/agent-accounts/${agent.id}`, orgKey), 200);
    expect(account.body.wallet.balances).toEqual([{ currency: 'INR', balance: 93_000 }]);
    const chain = await expectStatus(call(server(1), 'GET', `/receipts/verify?agent_account_id=${agent.id}`, orgKey), 200);
    expect(chain.body).toMatchObject({ valid: true, length: 1 });
    await expectLedgerInvariants();
  });

  it('applies one Idempotency-Key once when the same execute reaches both processes at once', async () => {
    const agent = await fundedAgent(100_000, {});
    const intent = await expectStatus(call(server(0), 'POST', '/purchase-intents', agent.key, { vendor: 'acme_api', amount: 1_000, currency: 'INR' }), 201);
    const mandate = await expectStatus(call(server(1), 'POST', '/mandates', agent.key, { intent_id: intent.body.id, policy_id: agent.policyId }), 201);
    const key = `same-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => call(server(i), 'POST', '/execute', agent.key, { mandate_id: mandate.body.id }, key)));
    // Each answer is the one success (first or replayed) or "still in progress"; never a second payment.
    for (const r of results) expect([200, 409]).toContain(r.status);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('idempotency_key_in_use');
    const paymentIds = new Set(results.filter((r) => r.status === 200).map((r) => r.body.payment_id));
    expect(paymentIds.size).toBe(1);
    const payments = await queryRows(db.url, 'select count(*)::int as n from payments where mandate_id = $1', [mandate.body.id]);
    expect(payments[0].n).toBe(1);
    await expectLedgerInvariants();
  });

  it('never settles more than the daily limit when 20 concurrent mandate+execute flows together exceed it', async () => {
    const dailyLimit = 100_000;
    const amount = 10_000;
    const agent = await fundedAgent(1_000_000, { daily_limit: dailyLimit });
    const flows = Array.from({ length: 20 }, async (_, i) => {
      const intent = await call(server(i), 'POST', '/purchase-intents', agent.key, { vendor: 'acme_api', amount, currency: 'INR' });
      if (intent.status !== 201) return { stage: 'intent', status: intent.status, code: intent.body?.error?.code };
      const mandate = await call(server(i + 1), 'POST', '/mandates', agent.key, { intent_id: intent.body.id, policy_id: agent.policyId });
      if (mandate.status !== 201) return { stage: 'mandate', status: mandate.status, code: mandate.body?.error?.reason };
      const exec = await call(server(i), 'POST', '/execute', agent.key, { mandate_id: mandate.body.id });
      return { stage: 'execute', status: exec.status, code: exec.body?.error?.reason };
    });
    const outcomes = await Promise.all(flows);

    const settled = await queryRows(db.url, "select coalesce(sum(amount), 0)::int as total, count(*)::int as n from payments where policy_id = $1 and status = 'settled'", [agent.policyId]);
    expect(settled[0].total).toBeLessThanOrEqual(dailyLimit);
    // Every flow that did not settle was refused for the daily limit, at mandate or at execute; nothing else failed.
    const refused = outcomes.filter((o) => !(o.stage === 'execute' && o.status === 200));
    expect(refused.every((o) => o.status === 403 && o.code === 'daily_limit_exceeded')).toBe(true);
    // With amounts that divide the limit exactly, the limit is reached, not just respected.
    expect(settled[0].n).toBe(dailyLimit / amount);
    expect(outcomes.length - refused.length).toBe(dailyLimit / amount);
    // Concurrent payments of one agent still form one unbroken receipt chain, one receipt each.
    const chain = await expectStatus(call(server(0), 'GET', `/receipts/verify?agent_account_id=${agent.id}`, orgKey), 200);
    expect(chain.body).toMatchObject({ valid: true, length: dailyLimit / amount });
    await expectLedgerInvariants();
  });
});
