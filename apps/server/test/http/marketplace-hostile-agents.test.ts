import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { expectLedgerInvariants } from '../support/rail-test-kit.ts';
import {
  agentSource, deploy, developer, marketplaceEnv, newSandbox, payer, platformAdminToken, publishAgent, testWorker, walletBalance,
  type PayerFixture,
} from '../support/marketplace-kit.ts';
import { defaultCapabilities } from '../../src/modules/executions/capabilities/index.ts';
import type { Sandbox } from '@frameos/sandbox';
import type { ExecutionWorker } from '../../src/modules/executions/execution-runner.ts';

/**
 * The malicious and timeout agents through the whole system — register, review, deploy, execute,
 * worker, sandbox, billing — on this suite's database (PGlite, and PostgreSQL in CI): every attempt
 * is contained and reported, failures charge nothing, and the worker keeps working afterwards.
 */
const t = useTestApp({ env: marketplaceEnv });
let sandbox: Sandbox;
let worker: ExecutionWorker;
let buyer: PayerFixture;
let malicious: string;
let slow: string;
let hello: string;

const EVIL = 'agt_malicious_e2e';
const SLOW = 'agt_timeout_e2e';
const HELLO = 'agt_hello_after_attacks';

beforeAll(async () => {
  sandbox = newSandbox();
  worker = testWorker(t, sandbox, defaultCapabilities(t.appCtx));
  const admin = await platformAdminToken(t);
  const dev = await developer(t, 'Red team');
  await publishAgent(t, dev, admin, agentSource('malicious'), { id: EVIL });
  await publishAgent(t, dev, admin, agentSource('timeout'), { id: SLOW, runtime: { ...agentSource('timeout').manifest.runtime as object, timeout_ms: 300 } });
  await publishAgent(t, dev, admin, agentSource('hello-world'), { id: HELLO });
  buyer = await payer(t, [EVIL, SLOW, HELLO], { balance: 100_000, policy: { daily_limit: 1_000_000 } });
  // The malicious agent may fetch only from a public host that none of its attacks targets.
  malicious = await deploy(t, buyer, EVIL, { allowed_hosts: ['api.example.com'] });
  slow = await deploy(t, buyer, SLOW);
  hello = await deploy(t, buyer, HELLO);
});

afterAll(async () => {
  await sandbox.close();
});

async function run(agentId: string, deploymentId: string, inputs: Record<string, unknown>) {
  const queued = await t.request('POST', `/agents/${agentId}/execute`, { token: buyer.org.orgKey, body: { deployment_id: deploymentId, inputs } });
  expect(queued.status, queued.text).toBe(202);
  await worker.drain();
  return (await t.request('GET', `/executions/${queued.body.execution_id}`, { token: buyer.org.orgKey })).body;
}

const CONTAINED = ['read_process', 'require', 'import_fs', 'globalthis', 'function_this', 'ctx_constructor', 'prototype_pollution', 'fetch_loopback', 'fetch_metadata', 'fetch_dns_loopback', 'timer_flood'];

describe('a hostile agent, through the whole system', () => {
  // Queued together and run by one drain (the deployment runs five at a time): the attacks share the pool.
  const results = new Map<string, { status: string; error: unknown; outputs: { contained: boolean; observed: string } }>();
  beforeAll(async () => {
    const queued = await Promise.all(CONTAINED.map(async (attack) => {
      const res = await t.request('POST', `/agents/${EVIL}/execute`, { token: buyer.org.orgKey, body: { deployment_id: malicious, inputs: { attack } } });
      expect(res.status, res.text).toBe(202);
      return [attack, res.body.execution_id as string] as const;
    }));
    await worker.drain();
    for (const [attack, id] of queued) results.set(attack, (await t.request('GET', `/executions/${id}`, { token: buyer.org.orgKey })).body);
  });

  it.each(CONTAINED)('contains %s and reports it', (attack) => {
    const done = results.get(attack)!;
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.outputs.contained, String(done.outputs.observed)).toBe(true);
  });

  it('keeps the host’s Object.prototype clean after pollution attempts and a __proto__ output', async () => {
    const done = await run(EVIL, malicious, { attack: 'proto_output' });
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toEqual({ contained: true, observed: 'returned __proto__' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not leak a global from one run into the next', async () => {
    await run(EVIL, malicious, { attack: 'global_write' });
    const read = await run(EVIL, malicious, { attack: 'global_read' });
    expect(read.outputs.contained, String(read.outputs.observed)).toBe(true);
  });

  it('fails a 1 GiB allocation as memory_limit_exceeded and a 10 MiB output as output_too_large, charging nothing', async () => {
    const before = await walletBalance(t, buyer);
    const bomb = await run(EVIL, malicious, { attack: 'memory_bomb' });
    expect(bomb).toMatchObject({ status: 'failed', error: { code: 'memory_limit_exceeded' }, cost: { amount: 0 } });
    const big = await run(EVIL, malicious, { attack: 'big_output' });
    expect(big).toMatchObject({ status: 'failed', error: { code: 'output_too_large' }, cost: { amount: 0 } });
    expect(await walletBalance(t, buyer)).toBe(before);
  });

  it('truncates a log flood and says so', async () => {
    const done = await run(EVIL, malicious, { attack: 'log_flood' });
    expect(done.logs_truncated).toBe(true);
    const logs = await t.request('GET', `/executions/${done.execution_id}/logs?limit=5`, { token: buyer.org.orgKey });
    expect(logs.body.data.map((l: { seq: number }) => l.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(logs.body).toMatchObject({ has_more: true, next_after: 5, logs_truncated: true });
  });

  it('ends a sync infinite loop and a never-settling promise as timed_out, charging nothing', async () => {
    const before = await walletBalance(t, buyer);
    for (const mode of ['sync_loop', 'never_settles']) {
      const done = await run(SLOW, slow, { mode });
      expect(done, mode).toMatchObject({ status: 'timed_out', error: { code: 'timed_out' }, cost: { amount: 0 } });
    }
    expect(await walletBalance(t, buyer)).toBe(before);
  });

  it('still runs an honest agent afterwards, and the ledger balances', async () => {
    const done = await run(HELLO, hello, { name: 'after' });
    expect(done).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello, after' } });
    await expectLedgerInvariants(t);
  });
});
