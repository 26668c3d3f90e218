import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningSeed } from '@frameos/domain';
import { httpRequester } from './support/api-client.ts';
import { createFreshDatabase } from './support/fresh-database.ts';
import { pgSql, queryRows } from './support/ledger-invariants.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';
import { waitUntil } from './support/wait.ts';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.ts';
import type { Requester } from '../test/support/fixtures.ts';
import { messageIdOf, startSmtpReceiver, subjectOf, type SmtpReceiver } from '../test/support/smtp-receiver.ts';
import { expectLedgerInvariants } from '../test/support/rail-test-kit.ts';
import type { SqlReader } from '../test/support/sql-reader.ts';
import {
  agentSource, deploy, developer, expectExecutionHoldResolved, marketplaceBalance, payer, platformAdminToken, publishAgent, walletBalance, PLATFORM_ADMIN_EMAIL,
  type AgentSource, type DeveloperFixture, type PayerFixture,
} from '../test/support/marketplace-kit.ts';

/** Sleeps `inputs.ms` on a timer, then answers: a run that is still going when its worker is killed. */
const SLEEPER: AgentSource = {
  manifest: {
    ...agentSource('hello-world').manifest,
    id: 'agt_sleeper',
    name: 'Sleeper',
    inputs: [{ name: 'ms', type: 'number', required: true, description: 'how long to sleep' }],
    outputs: [{ name: 'slept', type: 'number' }],
    runtime: { language: 'nodejs', version: '20', entrypoint: 'index.js', timeout_ms: 30_000, memory_mb: 64 },
  },
  code: `export default async function handler(inputs) {
  await new Promise((resolve) => setTimeout(resolve, inputs.ms));
  return { slept: inputs.ms };
}
`,
};
/**
 * Sends an email now, schedules one for later and emits an event — each of them once per run, even
 * when the run is retried — then sleeps `inputs.ms`, so its worker can be killed after all three.
 */
const MAILER: AgentSource = {
  manifest: {
    ...agentSource('hello-world').manifest,
    id: 'agt_mailer_sleeper',
    name: 'Mailer Sleeper',
    capabilities: ['email', 'webhook'],
    inputs: [
      { name: 'to', type: 'string', required: true, description: 'recipient' },
      { name: 'later_at', type: 'string', required: true, description: 'when the second email goes' },
      { name: 'ms', type: 'number', required: true, description: 'how long to sleep after' },
    ],
    outputs: [{ name: 'first_id', type: 'string' }, { name: 'later_id', type: 'string' }, { name: 'event_id', type: 'string' }],
    runtime: { language: 'nodejs', version: '20', entrypoint: 'index.js', timeout_ms: 30_000, memory_mb: 64 },
  },
  code: `export default async function handler(inputs, ctx) {
  const first = await ctx.email.send({ to: inputs.to, subject: 'Welcome', text: 'first' });
  const later = await ctx.email.send({ to: inputs.to, subject: 'Later', text: 'second', send_at: inputs.later_at });
  const event = await ctx.emit('mail.sent', { first: first.message_id });
  await new Promise((resolve) => setTimeout(resolve, inputs.ms));
  return { first_id: first.message_id, later_id: later.id, event_id: event.event_id };
}
`,
};
const PRICE = 100; // USD cents, per execution
const DEVELOPER_SHARE = 80; // PLATFORM_FEE_BPS defaults to 2000

/**
 * The marketplace across real processes on one PostgreSQL database, as deployed: an API process
 * queues runs, worker processes (`--role=worker`) claim them with 2-second leases and run them in
 * their sandbox pools. Workers are SIGKILLed mid-run; two workers share a deployment's max_concurrency.
 * What the API and the database say afterwards is checked, never how fast anything was.
 */
describe('marketplace executions across server and worker processes', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataDir: string;
  let api: ServerProcess;
  let http: Requester;
  let q: SqlReader;
  let workerEnv: Record<string, string>;
  const workers: WorkerProcess[] = [];
  let dev: DeveloperFixture;
  let buyer: PayerFixture;
  let deployment: string;

  // Messages the workers send, received by a real SMTP server in this process.
  let mail: SmtpReceiver;
  const received = () => mail.received.map((m) => ({ subject: subjectOf(m.raw), messageId: messageIdOf(m.raw) }));

  const startWorker = () => workers.push(startWorkerProcess(workerEnv));
  const outputs = () => [`api: ${api.output()}`, ...workers.map((w, i) => `worker ${i}: ${w.output()}`)].join('\n');

  beforeAll(async () => {
    mail = await startSmtpReceiver();
    db = await createFreshDatabase('frameos_market');
    // The blob store (agent code) is files in the data dir: the API and the workers share one, as they would a volume.
    dataDir = await mkdtemp(join(tmpdir(), 'frameos-market-'));
    workerEnv = {
      DATABASE_URL: db.url,
      FRAMEOS_DATA_DIR: dataDir,
      MANDATE_SIGN_KEY: generateSigningSeed(),
      JWT_SECRET: `${randomUUID()}${randomUUID()}`,
      SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      PLATFORM_ADMIN_EMAILS: PLATFORM_ADMIN_EMAIL,
      EXECUTION_LEASE_SECONDS: '2',
      EXECUTION_POLL_MS: '50',
      RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      SMTP_URL: mail.url,
      SMTP_FROM: 'FrameOS agents <agents@frameos.test>',
    };
    // The first worker starts with the API (both find the database empty; the migration lock lets one migrate).
    startWorker();
    api = await startServerProcess(workerEnv);
    http = httpRequester(api.baseUrl);
    q = pgSql(db.url);
    const admin = await platformAdminToken(http);
    dev = await developer(http);
    await publishAgent(http, dev, admin, SLEEPER);
    buyer = await payer(http, [SLEEPER.manifest.id]);
    deployment = await deploy(http, buyer, SLEEPER.manifest.id, { max_concurrency: 2 });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await api?.stop();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    await mail?.close();
  });

  async function execute(ms: number, who = buyer, deploymentId = deployment) {
    return http.request('POST', `/agents/${SLEEPER.manifest.id}/execute`, { token: who.org.orgKey, body: { deployment_id: deploymentId, inputs: { ms } } });
  }

  async function queue(ms: number): Promise<string> {
    const queued = await execute(ms);
    expect(queued.status, queued.text).toBe(202);
    return queued.body.execution_id;
  }

  async function execution(id: string) {
    const res = await http.request('GET', `/executions/${id}`, { token: buyer.org.orgKey });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  /** Waits until the run is `running` in attempt `attempt` (its claim committed, the sandbox going). */
  const runningIn = (id: string, attempt: number) =>
    waitUntil(`${id} running in attempt ${attempt}`, async () => {
      const run = await execution(id);
      return run.status === 'running' && run.attempts === attempt ? run : null;
    }, { context: outputs });

  /** SIGKILLs the newest worker, the only one alive, once it is running the run in `attempt`. */
  async function killWorkerRunning(id: string, attempt: number) {
    await runningIn(id, attempt);
    await workers.at(-1)!.kill();
  }

  const ended = (id: string) =>
    waitUntil(`${id} to end`, async () => {
      const run = await execution(id);
      return ['queued', 'running'].includes(run.status) ? null : run;
    }, { context: outputs, everyMs: 200 });

  /**
   * One charge or none, whatever the workers did: the run's mandate has one payment, in `status`; its
   * hold is fully resolved by the captures and releases naming it; its receipts are pending, then one end.
   */
  async function expectOnePayment(run: { mandate_id: string; payment_id: string }, status: 'settled' | 'failed') {
    const payments = await queryRows(db.url, `select id, status from payments where mandate_id = $1`, [run.mandate_id]);
    expect(payments).toEqual([{ id: run.payment_id, status }]);
    await expectExecutionHoldResolved(q, run.payment_id);
    const receipts = await http.request('GET', `/receipts?agent_account_id=${buyer.agentAccountId}&limit=100`, { token: buyer.org.orgKey });
    const events = receipts.body.data.filter((r: { payment_id: string }) => r.payment_id === run.payment_id).map((r: { event: string }) => r.event);
    expect(events).toEqual(['payment.pending', `payment.${status}`]);
  }

  /** The buyer's wallet and what the developer is owed. */
  async function money() {
    return { wallet: await walletBalance(http, buyer), developer: await marketplaceBalance(q, 'developer_payable', `${dev.developerId}/`) };
  }

  /** Exactly `runs` runs were paid for since `before`: the price from the wallet, the price less the fee to the developer. */
  async function expectPaidFor(before: { wallet: number; developer: number }, runs: number) {
    expect(await money()).toEqual({ wallet: before.wallet - runs * PRICE, developer: before.developer + runs * DEVELOPER_SHARE });
  }

  async function expectBooksConsistent() {
    await expectLedgerInvariants(q);
    const chain = await http.request('GET', `/receipts/verify?agent_account_id=${buyer.agentAccountId}`, { token: buyer.org.orgKey });
    expect(chain.status, chain.text).toBe(200);
    expect(chain.body.valid).toBe(true);
  }

  it('finishes a run whose worker is SIGKILLed mid-run on a new worker (attempt 2), charging it once', async () => {
    const before = await money();
    const id = await queue(3_000);
    await killWorkerRunning(id, 1);
    startWorker();

    // The new worker finds the lapsed lease, queues the run again (its hold still in place) and runs it to the end.
    const done = await ended(id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, outputs: { slept: 3_000 }, error: null, cost: { amount: PRICE } });
    await expectOnePayment(done, 'settled');
    await expectPaidFor(before, 1);
    await expectBooksConsistent();
  });

  it('fails a run whose worker is killed in both attempts with worker_lost, charging nothing', async () => {
    const before = await money();
    const id = await queue(60_000);
    await killWorkerRunning(id, 1);
    startWorker();
    await killWorkerRunning(id, 2);
    // Two new workers (the next test's): whichever finds the lapsed lease first fails the run.
    startWorker();
    startWorker();

    const done = await ended(id);
    expect(done).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'worker_lost' }, outputs: null, cost: { amount: 0 } });
    await expectOnePayment(done, 'failed');
    await expectPaidFor(before, 0);
    await expectBooksConsistent();
  });

  it('never runs more than max_concurrency (2) of a deployment at once across two worker processes, and runs all 10', async () => {
    // The two worker processes the test before started share the deployment's runs.
    const before = await money();

    // Sample the running count straight from the database while the runs go.
    const sampler = new pg.Client({ connectionString: db.url });
    await sampler.connect();
    const seen: number[] = [];
    let sampling = true;
    const sampled = (async () => {
      while (sampling) {
        const { rows } = await sampler.query(`select count(*)::int as n from executions where deployment_id = $1 and status = 'running'`, [deployment]);
        seen.push(rows[0].n);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    try {
      const ids = await Promise.all(Array.from({ length: 10 }, () => queue(400)));
      const runs = await Promise.all(ids.map((id) => ended(id)));
      expect(runs.map((r) => r.status)).toEqual(Array(10).fill('succeeded'));
      expect(runs.every((r) => r.attempts === 1 && r.outputs.slept === 400)).toBe(true);
    } finally {
      sampling = false;
      await sampled;
      await sampler.end();
    }
    expect(Math.max(...seen)).toBe(2);

    await expectPaidFor(before, 10);
    await expectBooksConsistent();
  });

  it('hides the execution and the deployment from another org, which cannot execute it either (404)', async () => {
    const [someRun] = await queryRows(db.url, `select id from executions where deployment_id = $1 limit 1`, [deployment]);
    const other = await payer(http, [SLEEPER.manifest.id]);
    for (const token of [other.org.orgKey, other.agentKey]) {
      const read = await http.request('GET', `/executions/${someRun!.id}`, { token });
      expect(read.status, read.text).toBe(404);
      expect((await http.request('GET', `/deployments/${deployment}`, { token })).status).toBe(404);
      const run = await execute(10, other, deployment);
      expect(run.status, run.text).toBe(404);
      expect(run.body.error.code).toBe('not_found');
    }
    expect(await walletBalance(http, other)).toBe(10_000);
    const [{ n }] = (await queryRows(db.url, `select count(*)::int as n from executions where org_id = $1`, [other.org.orgId])) as [{ n: number }];
    expect(n).toBe(0);
  });
  it('sends, schedules and emits once when the run is retried after its worker was SIGKILLed', async () => {
    // One worker, so the one to kill is the one running the run.
    await Promise.all(workers.map((w) => w.stop()));
    startWorker();
    const admin = await platformAdminToken(http);
    await publishAgent(http, dev, admin, MAILER);
    const mailBuyer = await payer(http, [MAILER.manifest.id]);
    const mailDeployment = await deploy(http, mailBuyer, MAILER.manifest.id);
    mail.received.length = 0;
    const laterAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const queued = await http.request('POST', `/agents/${MAILER.manifest.id}/execute`, { token: mailBuyer.org.orgKey, body: { deployment_id: mailDeployment, inputs: { to: 'lead@example.com', later_at: laterAt, ms: 3_000 } } });
    expect(queued.status, queued.text).toBe(202);
    const id = queued.body.execution_id as string;
    const agentEvents = () => queryRows(db.url, `select id from events where type = 'agent.event' and payload like $1`, [`%${id}%`]);

    // The first attempt has sent, scheduled and emitted (its event row is there), and sleeps: kill it.
    await waitUntil(`${id}'s event`, async () => ((await agentEvents()).length === 1 ? true : null), { context: outputs });
    expect(received().map((m) => m.subject)).toEqual(['Welcome']);
    await workers.at(-1)!.kill();
    startWorker();

    const done = await waitUntil(`${id} to end`, async () => {
      const run = (await http.request('GET', `/executions/${id}`, { token: mailBuyer.org.orgKey })).body;
      return ['queued', 'running'].includes(run.status) ? null : run;
    }, { context: outputs, everyMs: 200 });
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    // The retry made the same three calls and got the first attempt's answers: nothing happened twice.
    expect(received()).toEqual([{ subject: 'Welcome', messageId: done.outputs.first_id }]);
    const scheduled = await queryRows(db.url, `select id, subject, status from scheduled_emails where execution_id = $1`, [id]);
    expect(scheduled).toEqual([{ id: done.outputs.later_id, subject: 'Later', status: 'scheduled' }]);
    expect(await agentEvents()).toEqual([{ id: done.outputs.event_id }]);
  });
});
