import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { expectError, expectPolicyViolation } from '../support/assertions.ts';
import { expectLedgerInvariants } from '../support/rail-test-kit.ts';
import { loginToken } from '../support/fixtures.ts';
import {
  agentSource, deploy, developer, expectExecutionHoldResolved, marketplaceBalance, marketplaceEnv, newSandbox, payer, platformAdminToken, publishAgent, testWorker, walletBalance,
  type DeveloperFixture, type PayerFixture,
} from '../support/marketplace-kit.ts';
import type { Sandbox } from '@frameos/sandbox';
import type { ExecutionWorker } from '../../src/modules/executions/execution-runner.ts';
import { claimRuns } from '../../src/modules/executions/execution-queue.service.ts';
import { renewLeases } from '../../src/modules/executions/executions.repo.ts';
import { eq } from 'drizzle-orm';
import { schema } from '@frameos/db';

const t = useTestApp({ env: marketplaceEnv });
let sandbox: Sandbox;
let worker: ExecutionWorker;
let admin: string;
let dev: DeveloperFixture;
let buyer: PayerFixture;
let helloDeployment: string;

const HELLO = 'agt_hello_exec';
const MATH = 'agt_math_exec';

beforeAll(async () => {
  sandbox = newSandbox();
  worker = testWorker(t, sandbox);
  admin = await platformAdminToken(t);
  dev = await developer(t);
  await publishAgent(t, dev, admin, agentSource('hello-world'), { id: HELLO });
  await publishAgent(t, dev, admin, agentSource('math'), { id: MATH });
  buyer = await payer(t, [HELLO, MATH]);
  helloDeployment = await deploy(t, buyer, HELLO, { secrets: { API_TOKEN: 'tok_live_secret' } });
});

afterAll(async () => {
  await sandbox.close();
});

async function execute(agentId: string, deploymentId: string, inputs: Record<string, unknown>, token = buyer.org.orgKey, extra: Record<string, unknown> = {}) {
  return t.request('POST', `/agents/${agentId}/execute`, { token, body: { deployment_id: deploymentId, inputs, ...extra } });
}

async function runToEnd(agentId: string, deploymentId: string, inputs: Record<string, unknown>, token?: string) {
  const queued = await execute(agentId, deploymentId, inputs, token);
  expect(queued.status, queued.text).toBe(202);
  await worker.drain();
  const done = await t.request('GET', `/executions/${queued.body.execution_id}`, { token: buyer.org.orgKey });
  expect(done.status).toBe(200);
  return { queued: queued.body, done: done.body };
}

describe('a paid marketplace run, end to end', () => {
  it('queues at once (202), runs in the sandbox, and pays the developer and the platform exactly', async () => {
    const walletBefore = await walletBalance(t, buyer);
    const devBefore = await marketplaceBalance(t, 'developer_payable', `${dev.developerId}/`);
    const feesBefore = await marketplaceBalance(t, 'platform_revenue', `${dev.developerId}/`);
    const { queued, done } = await runToEnd(HELLO, helloDeployment, { name: 'Ada' });
    expect(queued).toMatchObject({ status: 'queued', agent_id: HELLO, version: '1.0.0', deployment_id: helloDeployment, held: { amount: 100, currency: 'USD' } });
    expect(queued.payment_id).toMatch(/^pay_/);
    expect(done).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello, Ada' }, error: null, cost: { amount: 100, currency: 'USD' } });
    expect(done.duration_ms).toBeGreaterThanOrEqual(0);
    expect(done.started_at).not.toBeNull();
    expect(done.completed_at).not.toBeNull();

    const payment = await t.request('GET', `/payments/${done.payment_id}`, { token: buyer.org.orgKey });
    expect(payment.body).toMatchObject({ status: 'settled', amount: 100, vendor: HELLO, rail: 'marketplace' });
    expect(await walletBalance(t, buyer)).toBe(walletBefore - 100);
    // PLATFORM_FEE_BPS defaults to 2000: 20 of 100 to the platform, 80 to the developer.
    expect(await marketplaceBalance(t, 'developer_payable', `${dev.developerId}/`)).toBe(devBefore + 80);
    expect(await marketplaceBalance(t, 'platform_revenue', `${dev.developerId}/`)).toBe(feesBefore + 20);
    await expectExecutionHoldResolved(t, done.payment_id);

    const receipts = await t.request('GET', `/receipts?agent_account_id=${buyer.agentAccountId}&limit=100`, { token: buyer.org.orgKey });
    const events = receipts.body.data.filter((r: { payment_id: string }) => r.payment_id === done.payment_id).map((r: { event: string }) => r.event);
    expect(events).toEqual(['payment.pending', 'payment.settled']);
    const verified = await t.request('GET', `/receipts/verify?agent_account_id=${buyer.agentAccountId}`, { token: buyer.org.orgKey });
    expect(verified.body.valid).toBe(true);
    await expectLedgerInvariants(t);
  });

  it('queues 10 runs of one deployment sent at once, each with its own hold (no deadlock on the payer’s policy on PostgreSQL)', async () => {
    const crowd = await payer(t, [HELLO]);
    const deployment = await deploy(t, crowd, HELLO);
    const queued = await Promise.all(Array.from({ length: 10 }, (_, i) => execute(HELLO, deployment, { name: `n${i}` }, crowd.org.orgKey)));
    expect(queued.map((r) => r.status), queued.map((r) => r.text).join('\n')).toEqual(Array(10).fill(202));
    expect(new Set(queued.map((r) => r.body.payment_id)).size).toBe(10);
    expect(await walletBalance(t, crowd)).toBe(10_000 - 10 * 100);
    await worker.drain();
    for (const r of queued) expect((await t.request('GET', `/executions/${r.body.execution_id}`, { token: crowd.org.orgKey })).body.status).toBe('succeeded');
    await expectLedgerInvariants(t);
  });

  it('queues new runs of a payer while a worker captures its earlier ones (holds and captures lock in one order: no deadlock on PostgreSQL)', async () => {
    const busy = await payer(t, [HELLO]);
    const deployment = await deploy(t, busy, HELLO, { max_concurrency: 40 });
    const running = testWorker(t, sandbox);
    running.start();
    const queued: { status: number; text: string; body: { execution_id: string } }[] = [];
    // The deadlock needs several connections (PostgreSQL); on single-connection PGlite fewer waves show the same behaviour.
    const waves = process.env.DATABASE_URL ? 6 : 2;
    for (let wave = 0; wave < waves; wave++) {
      queued.push(...await Promise.all(Array.from({ length: 10 }, (_, i) => execute(HELLO, deployment, { name: `w${wave}-${i}` }, busy.org.orgKey))));
    }
    await running.stop();
    await worker.drain();
    expect(queued.map((r) => r.status), queued.map((r) => r.text).join('\n')).toEqual(Array(waves * 10).fill(202));
    for (const r of queued) expect((await t.request('GET', `/executions/${r.body.execution_id}`, { token: busy.org.orgKey })).body.status).toBe('succeeded');
    expect(await walletBalance(t, busy)).toBe(10_000 - waves * 10 * 100);
    await expectLedgerInvariants(t);
  });

  it('shows the developer their earnings, computed from the ledger', async () => {
    const res = await t.request('GET', '/developers/me/earnings', { token: dev.org.orgKey });
    expect(res.status, res.text).toBe(200);
    const usd = res.body.totals.find((x: { currency: string }) => x.currency === 'USD');
    expect(usd.gross).toBe(usd.net + usd.platform_fees);
    expect(usd.net).toBe(await marketplaceBalance(t, 'developer_payable', `${dev.developerId}/`));
    expect(usd.executions).toBeGreaterThanOrEqual(1);
    expect(res.body.by_agent.some((a: { agent_id: string }) => a.agent_id === HELLO)).toBe(true);
  });

  it('lets the deployment’s own agent account key hire the agent (agent-to-agent), and no other agent key', async () => {
    const { done } = await runToEnd(HELLO, helloDeployment, { name: 'Bot' }, buyer.agentKey);
    expect(done.status).toBe('succeeded');
    const other = await payer(t, [HELLO]);
    expectError(await execute(HELLO, helloDeployment, { name: 'x' }, other.agentKey), 404, 'not_found');
    expectError(await execute(HELLO, helloDeployment, { name: 'x' }, other.org.orgKey), 404, 'not_found');
    expectError(await t.request('GET', `/executions/${done.execution_id}`, { token: other.org.orgKey }), 404, 'not_found');
    expectError(await t.request('GET', `/deployments/${helloDeployment}`, { token: other.org.orgKey }), 404, 'not_found');
  });

  it('writes the run’s log lines, numbered, and never returns secret values', async () => {
    const deployment = await t.request('GET', `/deployments/${helloDeployment}`, { token: buyer.org.orgKey });
    expect(deployment.body.secret_names).toEqual(['API_TOKEN']);
    expect(deployment.text).not.toContain('tok_live_secret');
    const list = await t.request('GET', '/deployments', { token: buyer.org.orgKey });
    expect(list.text).not.toContain('tok_live_secret');
  });
});

describe('refusals move no money', () => {
  it('refuses inputs that do not match the manifest with every problem and its path', async () => {
    const before = await walletBalance(t, buyer);
    const res = await execute(HELLO, helloDeployment, { name: 42, extra: true });
    expectError(res, 400, 'invalid_inputs');
    expect(res.body.error.errors.map((e: { path: string }) => e.path).sort()).toEqual(['extra', 'name']);
    expect(await walletBalance(t, buyer)).toBe(before);
  });

  it('refuses an agent the policy does not allow (403 policy_violation) and an empty wallet (402)', async () => {
    const narrow = await payer(t, ['agt_someone_else']);
    const deployment = await deploy(t, narrow, HELLO);
    expectPolicyViolation(await execute(HELLO, deployment, { name: 'x' }, narrow.org.orgKey), 'vendor_not_allowed');
    const broke = await payer(t, [HELLO], { balance: 0 });
    const brokeDeployment = await deploy(t, broke, HELLO);
    expectError(await execute(HELLO, brokeDeployment, { name: 'x' }, broke.org.orgKey), 402, 'insufficient_funds');
    const intents = await t.request('GET', '/purchase-intents', { token: broke.org.orgKey });
    expect(intents.body.data).toEqual([]);
    const executions = await t.request('GET', '/executions', { token: broke.org.orgKey });
    expect(executions.body.data).toEqual([]);
  });

  it('refuses a paused deployment until it is resumed', async () => {
    const paused = await t.request('PATCH', `/deployments/${helloDeployment}`, { token: buyer.org.orgKey, body: { status: 'paused' } });
    expect(paused.body.status).toBe('paused');
    expectError(await execute(HELLO, helloDeployment, { name: 'x' }), 409, 'deployment_not_active');
    await t.request('PATCH', `/deployments/${helloDeployment}`, { token: buyer.org.orgKey, body: { status: 'active' } });
  });

  it('fails an agent error cleanly, with its message and no host stack, and voids the hold', async () => {
    const mathDeployment = await deploy(t, buyer, MATH);
    const before = await walletBalance(t, buyer);
    const { done } = await runToEnd(MATH, mathDeployment, { operation: 'divide', a: 1, b: 0 });
    expect(done.status).toBe('failed');
    expect(done.error.code).toBe('agent_error');
    expect(done.error.message).toMatch(/zero/i);
    expect(done.error.message).not.toMatch(/node:internal|apps\/server|at .*\.ts/);
    expect(done.cost.amount).toBe(0);
    expect(await walletBalance(t, buyer)).toBe(before);
    const payment = await t.request('GET', `/payments/${done.payment_id}`, { token: buyer.org.orgKey });
    expect(payment.body.status).toBe('failed');
    await expectExecutionHoldResolved(t, done.payment_id);
    const ok = await runToEnd(MATH, mathDeployment, { operation: 'multiply', a: 6, b: 7 });
    expect(ok.done.outputs).toEqual({ result: 42 });
  });
});

describe('abort and approval', () => {
  it('aborts a queued run at once: aborted, hold voided, nothing charged; a finished run cannot be aborted', async () => {
    const before = await walletBalance(t, buyer);
    const queued = await execute(HELLO, helloDeployment, { name: 'late' });
    expect(await walletBalance(t, buyer)).toBe(before - 100);
    const aborted = await t.request('POST', `/executions/${queued.body.execution_id}/abort`, { token: buyer.org.orgKey });
    expect(aborted.status, aborted.text).toBe(200);
    expect(aborted.body).toMatchObject({ status: 'aborted', error: { code: 'aborted' }, cost: { amount: 0 } });
    expect(await walletBalance(t, buyer)).toBe(before);
    await worker.drain();
    const after = await t.request('GET', `/executions/${queued.body.execution_id}`, { token: buyer.org.orgKey });
    expect(after.body.status).toBe('aborted');
    expectError(await t.request('POST', `/executions/${queued.body.execution_id}/abort`, { token: buyer.org.orgKey }), 409, 'execution_finished');
  });

  it('waits for a person when the policy asks for one, then runs once the mandate is approved', async () => {
    const careful = await payer(t, [HELLO], { policy: { approval_threshold: 50 } });
    const deployment = await deploy(t, careful, HELLO);
    const queued = await execute(HELLO, deployment, { name: 'Grace' }, careful.org.orgKey);
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ status: 'awaiting_approval', payment_id: null });
    expect(await walletBalance(t, careful)).toBe(10_000);
    await worker.drain();
    expect((await t.request('GET', `/executions/${queued.body.execution_id}`, { token: careful.org.orgKey })).body.status).toBe('awaiting_approval');
    const owner = await loginToken(t, careful.org.email, careful.org.password);
    const approved = await t.request('POST', `/mandates/${queued.body.mandate_id}/approve`, { token: owner });
    expect(approved.status, approved.text).toBe(200);
    await worker.drain();
    const done = await t.request('GET', `/executions/${queued.body.execution_id}`, { token: careful.org.orgKey });
    expect(done.body).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello, Grace' }, cost: { amount: 100 } });
    expect(await walletBalance(t, careful)).toBe(10_000 - 100);
  });

  it('ends as rejected, charging nothing, when the mandate is rejected', async () => {
    const careful = await payer(t, [HELLO], { policy: { approval_threshold: 50 } });
    const deployment = await deploy(t, careful, HELLO);
    const queued = await execute(HELLO, deployment, { name: 'No' }, careful.org.orgKey);
    const owner = await loginToken(t, careful.org.email, careful.org.password);
    expect((await t.request('POST', `/mandates/${queued.body.mandate_id}/reject`, { token: owner })).status).toBe(200);
    await worker.drain();
    const done = await t.request('GET', `/executions/${queued.body.execution_id}`, { token: careful.org.orgKey });
    expect(done.body).toMatchObject({ status: 'rejected', error: { code: 'mandate_rejected' }, cost: { amount: 0 } });
    expect(await walletBalance(t, careful)).toBe(10_000);
    await expectLedgerInvariants(t);
  });
});

describe('leases', () => {
  it('lets a worker that lost its lease renew nothing once another attempt claimed the run', async () => {
    const who = await payer(t, [HELLO]);
    const deployment = await deploy(t, who, HELLO);
    const queued = await execute(HELLO, deployment, { name: 'lease' }, who.org.orgKey);
    const id = queued.body.execution_id as string;
    const [first] = await claimRuns(t.appCtx, 1);
    expect(first).toMatchObject({ attempt: 1, execution: { id } });
    // The first worker stalls past its lease; a claim queues the run again and takes it as attempt 2.
    t.clock.advance(t.appCtx.config.runtime.leaseMs + 1);
    const [second] = await claimRuns(t.appCtx, 1);
    expect(second).toMatchObject({ attempt: 2, execution: { id } });
    const later = new Date(t.clock.now().getTime() + 10 * t.appCtx.config.runtime.leaseMs);
    expect(await renewLeases(t.appCtx.database.db, [{ id, attempt: 1 }], later)).toEqual([]);
    const [row] = await t.appCtx.database.db.select().from(schema.executions).where(eq(schema.executions.id, id));
    expect(row!.lockedUntil).toEqual(second!.execution.lockedUntil);
    expect(await renewLeases(t.appCtx.database.db, [{ id, attempt: 2 }], later)).toEqual([id]);
    const aborted = await t.request('POST', `/executions/${id}/abort`, { token: who.org.orgKey });
    expect(aborted.body).toMatchObject({ status: 'aborted', cost: { amount: 0 } });
    expect(await walletBalance(t, who)).toBe(10_000);
  });
});

describe('stopping a worker', () => {
  it('hands a run still going back to the queue, attempt not counted, and another worker completes it charged once', async () => {
    const SLOW = 'agt_slow_stop';
    await publishAgent(t, dev, admin, {
      manifest: { ...agentSource('hello-world').manifest, id: SLOW },
      code: `export default async function handler(inputs) { await new Promise((r) => setTimeout(r, 1500)); return { greeting: 'Hello, ' + inputs.name }; }`,
    });
    const who = await payer(t, [SLOW]);
    const deployment = await deploy(t, who, SLOW);
    const queued = await execute(SLOW, deployment, { name: 'restart' }, who.org.orgKey);
    const id = queued.body.execution_id as string;
    const stopping = testWorker(t, sandbox);
    stopping.start();
    for (let i = 0; i < 200 && (await t.request('GET', `/executions/${id}`, { token: who.org.orgKey })).body.status !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await stopping.stop(0);
    const handedBack = await t.request('GET', `/executions/${id}`, { token: who.org.orgKey });
    expect(handedBack.body).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await walletBalance(t, who)).toBe(10_000 - 100);
    await worker.drain();
    const done = await t.request('GET', `/executions/${id}`, { token: who.org.orgKey });
    expect(done.body).toMatchObject({ status: 'succeeded', attempts: 1, outputs: { greeting: 'Hello, restart' } });
    expect(await walletBalance(t, who)).toBe(10_000 - 100);
    await expectExecutionHoldResolved(t, done.body.payment_id);
  });
});
