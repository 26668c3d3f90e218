import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { expectError } from '../support/assertions.ts';
import { expectLedgerInvariants } from '../support/rail-test-kit.ts';
import { loginToken } from '../support/fixtures.ts';
import {
  agentSource, deploy, developer, expectExecutionHoldResolved, marketplaceBalance, marketplaceEnv, newSandbox, payer, platformAdminToken, publishAgent, testWorker, walletBalance,
  type AgentSource, type DeveloperFixture,
} from '../support/marketplace-kit.ts';
import type { Sandbox } from '@frameos/sandbox';
import type { ExecutionWorker } from '../../src/modules/executions/execution-runner.ts';

const t = useTestApp({ env: marketplaceEnv });
let sandbox: Sandbox;
let worker: ExecutionWorker;
let admin: string;
let dev: DeveloperFixture;

const USAGE = 'agt_usage_meter';
const SUBSCRIBED = 'agt_subscribed_hello';
const DAY = 86_400_000;

/** A pay_per_use agent: charges `units_per_call` units `calls` times, then succeeds or throws. */
const usageAgent: AgentSource = {
  manifest: {
    ...agentSource('hello-world').manifest,
    id: USAGE,
    name: 'Usage meter',
    pricing: { model: 'pay_per_use', amount: 7, currency: 'USD' },
    inputs: [
      { name: 'calls', type: 'number', required: true },
      { name: 'units_per_call', type: 'number', required: true },
      { name: 'fail_after', type: 'boolean', required: false },
    ],
    outputs: [{ name: 'charged', type: 'number' }],
  },
  code: `export default async function handler(inputs, ctx) {
    let charged = 0;
    for (let i = 0; i < inputs.calls; i++) {
      await ctx.charge(inputs.units_per_call, { event: 'lookup' });
      charged += inputs.units_per_call;
    }
    if (inputs.fail_after) throw new Error('gave up after charging');
    return { charged };
  }`,
};

beforeAll(async () => {
  sandbox = newSandbox();
  worker = testWorker(t, sandbox);
  admin = await platformAdminToken(t);
  dev = await developer(t);
  await publishAgent(t, dev, admin, usageAgent);
  await publishAgent(t, dev, admin, agentSource('hello-world'), { id: SUBSCRIBED, pricing: { model: 'subscription', amount: 500, currency: 'USD' } });
});

afterAll(async () => {
  await sandbox.close();
});

async function run(token: string, agentId: string, deploymentId: string, inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const queued = await t.request('POST', `/agents/${agentId}/execute`, { token, body: { deployment_id: deploymentId, inputs, ...extra } });
  expect(queued.status, queued.text).toBe(202);
  await worker.drain();
  return { queued: queued.body, done: (await t.request('GET', `/executions/${queued.body.execution_id}`, { token })).body };
}

describe('pay_per_use', () => {
  it('holds max_charge, captures units × price, releases the rest', async () => {
    const buyer = await payer(t, [USAGE]);
    const deployment = await deploy(t, buyer, USAGE);
    const devBefore = await marketplaceBalance(t, 'developer_payable', `${dev.developerId}/${USAGE}`);
    const { queued, done } = await run(buyer.org.orgKey, USAGE, deployment, { calls: 3, units_per_call: 2 }, { max_charge: 100 });
    expect(queued.held).toEqual({ amount: 100, currency: 'USD' });
    expect(done).toMatchObject({ status: 'succeeded', outputs: { charged: 6 }, cost: { amount: 42, currency: 'USD' } });
    expect(await walletBalance(t, buyer)).toBe(10_000 - 42);
    // 42 split: floor(42 × 20 %) = 8 to the platform, 34 to the developer.
    expect(await marketplaceBalance(t, 'developer_payable', `${dev.developerId}/${USAGE}`)).toBe(devBefore + 34);
    await expectExecutionHoldResolved(t, done.payment_id);
    const payment = await t.request('GET', `/payments/${done.payment_id}`, { token: buyer.org.orgKey });
    expect(payment.body).toMatchObject({ status: 'settled', amount: 42 });
  });

  it('holds the policy’s per-transaction cap when no max_charge is given, and refuses a charge past the hold', async () => {
    const buyer = await payer(t, [USAGE], { policy: { per_tx_cap: 20 } });
    const deployment = await deploy(t, buyer, USAGE);
    const { queued, done } = await run(buyer.org.orgKey, USAGE, deployment, { calls: 2, units_per_call: 2 });
    expect(queued.held.amount).toBe(20);
    // The second call would cost 28 > 20: the agent's charge is refused and the run fails, nothing charged.
    expect(done.status).toBe('failed');
    expect(done.error.message).toMatch(/held/);
    expect(await walletBalance(t, buyer)).toBe(10_000);
  });

  it('voids the whole hold when the run fails after charging', async () => {
    const buyer = await payer(t, [USAGE]);
    const deployment = await deploy(t, buyer, USAGE);
    const { done } = await run(buyer.org.orgKey, USAGE, deployment, { calls: 1, units_per_call: 1, fail_after: true }, { max_charge: 50 });
    expect(done).toMatchObject({ status: 'failed', cost: { amount: 0 } });
    expect(await walletBalance(t, buyer)).toBe(10_000);
    await expectLedgerInvariants(t);
  });
});

describe('subscription', () => {
  it('charges the first 30-day period at deploy, then runs without charging', async () => {
    const buyer = await payer(t, [SUBSCRIBED]);
    const res = await t.request('POST', `/agents/${SUBSCRIBED}/deploy`, { token: buyer.org.orgKey, body: { agent_account_id: buyer.agentAccountId, policy_id: buyer.policyId } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.status).toBe('active');
    expect(new Date(res.body.paid_until).getTime() - t.clock.now().getTime()).toBe(30 * DAY);
    expect(await walletBalance(t, buyer)).toBe(10_000 - 500);
    const { done } = await run(buyer.org.orgKey, SUBSCRIBED, res.body.deployment_id, { name: 'Sub' });
    expect(done).toMatchObject({ status: 'succeeded', cost: { amount: 0 }, payment_id: null });
    expect(await walletBalance(t, buyer)).toBe(10_000 - 500);
  });

  it('refuses a deploy the wallet cannot pay, leaving nothing behind', async () => {
    const buyer = await payer(t, [SUBSCRIBED], { balance: 100 });
    expectError(await t.request('POST', `/agents/${SUBSCRIBED}/deploy`, { token: buyer.org.orgKey, body: { agent_account_id: buyer.agentAccountId, policy_id: buyer.policyId } }), 402, 'insufficient_funds');
    expect((await t.request('GET', '/deployments', { token: buyer.org.orgKey })).body.data).toEqual([]);
  });

  it('renews each period; a failed renewal makes the deployment past_due (402) until the wallet can pay', async () => {
    const buyer = await payer(t, [SUBSCRIBED], { balance: 700 });
    const deployment = await deploy(t, buyer, SUBSCRIBED);
    expect(await walletBalance(t, buyer)).toBe(200);
    t.clock.advance(31 * DAY);
    await worker.drain();
    const pastDue = await t.request('GET', `/deployments/${deployment}`, { token: buyer.org.orgKey });
    expect(pastDue.body.status).toBe('past_due');
    expectError(await t.request('POST', `/agents/${SUBSCRIBED}/execute`, { token: buyer.org.orgKey, body: { deployment_id: deployment, inputs: { name: 'x' } } }), 402, 'subscription_past_due');
    await t.request('POST', `/agent-accounts/${buyer.agentAccountId}/top-ups`, { token: buyer.org.orgKey, body: { amount: 1_000, currency: 'USD' } });
    await worker.drain();
    const renewed = await t.request('GET', `/deployments/${deployment}`, { token: buyer.org.orgKey });
    expect(renewed.body.status).toBe('active');
    expect(new Date(renewed.body.paid_until).getTime()).toBe(t.clock.now().getTime() + 30 * DAY);
    expect(await walletBalance(t, buyer)).toBe(200 + 1_000 - 500);
    await expectLedgerInvariants(t);
  });

  it('waits past_due for a person when the policy asks for approval, and starts once approved', async () => {
    const buyer = await payer(t, [SUBSCRIBED], { policy: { approval_threshold: 100 } });
    const res = await t.request('POST', `/agents/${SUBSCRIBED}/deploy`, { token: buyer.org.orgKey, body: { agent_account_id: buyer.agentAccountId, policy_id: buyer.policyId } });
    expect(res.body).toMatchObject({ status: 'past_due' });
    expect(res.body.pending_mandate_id).toMatch(/^mdt_/);
    const owner = await loginToken(t, buyer.org.email, buyer.org.password);
    expect((await t.request('POST', `/mandates/${res.body.pending_mandate_id}/approve`, { token: owner })).status).toBe(200);
    await worker.drain();
    const active = await t.request('GET', `/deployments/${res.body.deployment_id}`, { token: buyer.org.orgKey });
    expect(active.body).toMatchObject({ status: 'active', pending_mandate_id: null });
    expect(await walletBalance(t, buyer)).toBe(10_000 - 500);
  });
});
