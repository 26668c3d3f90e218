import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMAIL, DEMO_PASSWORD, ensureDemoData, type DemoCredentials } from '../../src/seed/demo-seed.ts';
import { testClock, useTestApp } from '../support/test-app.ts';
import { expectError } from '../support/assertions.ts';
import { expectLedgerInvariants, transferKinds } from '../support/rail-test-kit.ts';

interface Listed {
  id: string;
  status?: string;
  risk_tier?: string;
  agent_account_id?: string;
  vendor_id?: string;
  rail?: string;
  per_tx_cap?: number;
}

describe('the demo seed', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'frameos-seed-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  // Registered after the data dir's hooks: starts once it exists, closes before it is removed.
  const t = useTestApp(() => ({ env: { FRAMEOS_DATA_DIR: dataDir }, clock: testClock(new Date('2025-04-02T06:00:00Z')) }));
  let demo: DemoCredentials;

  const list = async (path: string): Promise<Listed[]> => {
    const res = await t.request('GET', `${path}?limit=100`, { token: demo.org_api_key });
    expect(res.status, res.text).toBe(200);
    return res.body.data;
  };
  const counts = async () => ({
    agents: (await list('/agent-accounts')).length,
    policies: (await list('/policies')).length,
    intents: (await list('/purchase-intents')).length,
    mandates: (await list('/mandates')).length,
    payments: (await list('/payments')).length,
    vendors: (await list('/vendors')).length,
  });
  const agentOfTier = (tier: string) => demo.agents.find((a) => a.risk_tier === tier)!;

  beforeAll(async () => {
    const seeded = await ensureDemoData(t.appCtx);
    if (!('org_api_key' in seeded)) throw new Error(`expected fresh demo credentials, got ${JSON.stringify(seeded)}`);
    demo = seeded;
  });

  it('returns working demo credentials: the login, the org key and one key per agent', async () => {
    expect(demo).toMatchObject({ email: DEMO_EMAIL, password: DEMO_PASSWORD, org_api_key: expect.stringMatching(/^fos_org_/) });
    const login = await t.request('POST', '/auth/login', { body: { email: DEMO_EMAIL, password: DEMO_PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.org_id).toBe(demo.org_id);
    for (const agent of demo.agents) {
      const res = await t.request('GET', `/agent-accounts/${agent.agent_account_id}`, { token: agent.api_key });
      expect(res.status, res.text).toBe(200);
    }
  });

  it('creates three agent accounts, LOW, MEDIUM and HIGH, each with its own policy, and a USD policy for the research agent’s x402 vendors', async () => {
    const agents = await list('/agent-accounts');
    expect(agents.map((a) => a.risk_tier).sort()).toEqual(['HIGH', 'LOW', 'MEDIUM']);
    const policies = await list('/policies');
    expect(policies).toHaveLength(5);
    expect(new Set(policies.map((p) => p.agent_account_id))).toEqual(new Set(agents.map((a) => a.id)));
    expect(new Set(policies.map((p) => p.per_tx_cap)).size).toBe(5);
    const ofLow = policies.filter((p) => p.agent_account_id === agentOfTier('LOW').agent_account_id) as (Listed & { currency: string; vendor_allowlist: string[] })[];
    expect(ofLow.map((p) => [p.currency, p.vendor_allowlist]).sort()).toEqual([['INR', ['acme_api']], ['USD', demo.marketplace.agents], ['USD', ['weather_x402', 'search_x402']]]);
  });

  it('registers acme_api on the ledger rail and two x402 vendors', async () => {
    const vendors = await list('/vendors');
    expect(vendors.map((v) => [v.vendor_id, v.rail]).sort()).toEqual([['acme_api', 'ledger'], ['agt_hello_world', 'marketplace'], ['search_x402', 'x402'], ['weather_x402', 'x402']]);
  });

  it('creates five purchase intents and five mandates: one active, two used, and two expired', async () => {
    expect(await list('/purchase-intents')).toHaveLength(5);
    const mandates = await list('/mandates');
    const byId = new Map(mandates.map((m) => [m.id, m.status]));
    expect(byId.get(demo.active_mandate_id)).toBe('active');
    expect(byId.get(demo.expired_mandate_id)).toBe('expired');
    expect(mandates.map((m) => m.status).sort()).toEqual(['active', 'expired', 'expired', 'used', 'used']);
  });

  it('creates three x402 payments in USD — settled, pending and failed — as the real execute path leaves them', async () => {
    const payments = (await list('/payments')) as (Listed & { mandate_id: string; intent_id: string; currency: string; rail: string })[];
    expect(payments.map((p) => p.status).sort()).toEqual(['failed', 'pending', 'settled']);
    expect(new Set(payments.map((p) => `${p.rail} ${p.currency}`))).toEqual(new Set(['x402 USD']));
    const status = async (path: string) => (await t.request('GET', path, { token: demo.org_api_key })).body.status;
    for (const payment of payments) {
      const [mandate, intent] = [await status(`/mandates/${payment.mandate_id}`), await status(`/purchase-intents/${payment.intent_id}`)];
      // A failed payment charged nothing: its funds went back and its mandate was usable again (until it expired).
      const expected = { settled: ['used', 'succeeded', ['payment_capture', 'payment_hold']], pending: ['used', 'mandated', ['payment_hold']], failed: ['expired', 'mandated', ['payment_hold', 'payment_release']] }[payment.status as 'settled' | 'pending' | 'failed'];
      expect([mandate, intent, await transferKinds(t, payment.id)]).toEqual(expected);
    }
  });

  it('leaves a ledger that balances: every transfer sums to zero and so does every currency', async () => {
    await expectLedgerInvariants(t);
  });

  it('writes five receipts on a valid chain', async () => {
    const low = agentOfTier('LOW').agent_account_id;
    const receipts = await t.request('GET', `/receipts?agent_account_id=${low}`, { token: demo.org_api_key });
    expect(receipts.body.data.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    const verify = await t.request('GET', `/receipts/verify?agent_account_id=${low}`, { token: demo.org_api_key });
    expect(verify.body).toMatchObject({ valid: true, length: 5, first_invalid_seq: null, head_hash: receipts.body.data[4].hash });
  });

  it('publishes and approves hello-world, math and the SDK catalogue agents, and deploys hello-world for the research agent', async () => {
    const catalogue = await t.request('GET', '/agents?limit=100', { token: demo.org_api_key });
    const listed = catalogue.body.data.map((a: { agent_id: string }) => a.agent_id).sort();
    expect(listed).toEqual([...demo.marketplace.agents].sort());
    expect(listed).toEqual(expect.arrayContaining(['agt_hello_world', 'agt_math', 'agt_linkedin_outreach', 'agt_email_sequence']));
    // The catalogue agents of docs/catalog.md.
    expect(listed).toEqual(expect.arrayContaining([
      'agt_data_scraper', 'agt_summarizer', 'agt_sentiment', 'agt_keyword_extractor', 'agt_seo_content', 'agt_twitter_thread', 'agt_web_monitor',
      'agt_lead_finder', 'agt_email_verifier', 'agt_lead_scorer', 'agt_data_enrichment', 'agt_csv_cleaner', 'agt_invoice_parser', 'agt_code_review',
    ]));
    expect(listed).toHaveLength(18);
    const deployment = await t.request('GET', `/deployments/${demo.marketplace.deployment_id}`, { token: demo.org_api_key });
    expect(deployment.body).toMatchObject({ agent_id: 'agt_hello_world', status: 'active', agent_account_id: agentOfTier('LOW').agent_account_id, policy_id: demo.marketplace.policy_id });
  });

  it('creates nothing new when run again, and hands back the same credentials', async () => {
    const before = await counts();
    expect(before).toEqual({ agents: 3, policies: 5, intents: 5, mandates: 5, payments: 3, vendors: 4 });
    const again = await ensureDemoData(t.appCtx);
    expect(again).toEqual(demo);
    expect(await counts()).toEqual(before);
  });

  it('lets the LOW agent execute the active mandate, and refuses the expired one with 403 mandate_expired', async () => {
    const low = agentOfTier('LOW');
    const paid = await t.request('POST', '/execute', { token: low.api_key, body: { mandate_id: demo.active_mandate_id } });
    expect(paid.status, paid.text).toBe(200);
    const verify = await t.request('GET', `/receipts/verify?agent_account_id=${low.agent_account_id}`, { token: low.api_key });
    expect(verify.body).toMatchObject({ valid: true, length: 6 });

    const medium = agentOfTier('MEDIUM');
    expectError(await t.request('POST', '/execute', { token: medium.api_key, body: { mandate_id: demo.expired_mandate_id } }), 403, 'mandate_expired');
  });

  // Last: it adds a payment and a receipt the tests above count.
  it('lets a new user run the deployed hello-world at once', async () => {
    const run = await t.request('POST', '/agents/agt_hello_world/execute', { token: demo.org_api_key, body: { deployment_id: demo.marketplace.deployment_id, inputs: { name: 'Ada' } } });
    expect(run.status, run.text).toBe(202);
    expect(run.body).toMatchObject({ status: 'queued', held: { amount: 100, currency: 'USD' } });
  });
});
