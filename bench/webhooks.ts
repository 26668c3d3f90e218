/**
 * Webhook benchmark: `npm run bench:webhooks`. See docs/benchmarks.md.
 *
 * Inbound: starts the real server (API role) on a fresh PostgreSQL database with the Stripe rail
 * pointed at a local fake Stripe, and drives POST /webhooks/stripe with autocannon, every request a new
 * event signed with the stripe SDK: first events that are verified and claimed but match no payment
 * (plus ignored types), then real settlements of pending Stripe payments made through the API.
 * Outbound: starts the worker role as its own process, registers an endpoint on a local receiver, and
 * measures how fast enqueued `payment.settled` events arrive there — a burst, then a steady rate.
 * Prints a Markdown table and writes bench/results/webhooks-<date>.json. Every database and process
 * it creates is removed again, also when a step fails.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { FAKE_STRIPE_SECRET_KEY, startFakeStripe } from '../apps/server/test/support/fake-stripe.ts';
import { CpuMeter } from './lib/cpu.ts';
import { Cleanup, log, runBenchmark } from './lib/run.ts';
import { callApi, stringField } from './lib/fixture.ts';
import { createDatabase, dropDatabase, readPostgresFacts, throwAwayDatabaseName } from './lib/postgres.ts';
import { describeCode, describeMachine, finishMachineFacts } from './lib/report.ts';
import { startServer, type RunningServer } from './lib/server.ts';
import { runDeliveryPhase, startDeliveryReceiver, type DeliveryReceiver, type DeliveryTarget } from './lib/webhook-delivery.ts';
import { createPendingStripePayments, pay, setUpOrg } from './lib/webhook-fixture.ts';
import { runInboundPhase, settlementEvents, unmatchedAndIgnoredEvents, type InboundPhaseResult, type InboundTarget } from './lib/webhook-load.ts';
import { judgeWebhooks, webhookMarkdown, writeWebhookReport, type MeasuredDelivery, type MeasuredInbound, type WebhookBenchReport } from './lib/webhook-report.ts';
import { readWebhookSettings, type WebhookBenchSettings } from './lib/webhook-settings.ts';
import { startWorkerProcess, type RunningWorker } from './lib/worker-process.ts';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
/** The mixed inbound load runs this long before measuring, so V8 has compiled the hot paths and the pool is open. */
const WARM_UP_SECONDS = 5;
/** Each wallet holds this many payments, far more than a run makes. */
const WALLET_FUNDING_IN_PAYMENTS = 100_000;
/** Concurrent intent → mandate → execute flows while the pending Stripe payments are made. */
const SETUP_CONCURRENCY = 20;
/** Pending payments settled (and not counted) before the measured settlement phase, to warm up that path. */
const SETTLEMENT_WARM_UP_EVENTS = 200;
/** Deliveries sent (and not counted) after the worker is up, before the measured phases. */
const DELIVERY_WARM_UP_EVENTS = 500;
/** autocannon stops with requests in flight; the server finishes them within this time. */
const SETTLE_AFTER_PHASE_MS = 1_000;
/** Rate limits far above the load (the route's own default is 100/min per IP), so nothing measured is a 429. */
const RATE_LIMIT_OFF = '100000000';


async function queryCount(databaseUrl: string, text: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>(text);
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

function describeInbound(p: InboundPhaseResult): string {
  const outcomes = Object.entries(p.outcomes).map(([o, n]) => `${o} ${n}`).join(', ');
  return `${p.phase}: ${p.requestsPerSecond}/s, p50 ${p.latencyMs.p50} ms, p99 ${p.latencyMs.p99} ms (${outcomes}); non-2xx ${p.non2xx}, errors ${p.connectionErrors}, unexpected ${p.unexpectedOutcomes}`;
}

interface Bench {
  settings: WebhookBenchSettings;
  databaseUrl: string;
  databaseName: string;
  server: RunningServer;
}

/** Runs one inbound phase under the CPU meter and reads what it left in the database. */
async function measuredInbound(bench: Bench, name: string, run: () => Promise<InboundPhaseResult>, settlement: boolean): Promise<MeasuredInbound> {
  const claims = () => queryCount(bench.databaseUrl, 'select count(*) as n from rail_webhook_events');
  const settled = () => queryCount(bench.databaseUrl, "select count(*) as n from payments where rail = 'stripe' and status = 'settled'");
  const [claimsBefore, settledBefore] = [await claims(), await settled()];
  const meter = new CpuMeter(bench.settings.adminDatabaseUrl, bench.databaseName, bench.server.pid);
  log(`inbound phase "${name}": ${bench.settings.connections} connections, up to ${bench.settings.durationSeconds} s`);
  const { result, cpu } = await meter.measure(run);
  await sleep(SETTLE_AFTER_PHASE_MS);
  log(describeInbound(result));
  return { ...result, cpu, claimedRows: (await claims()) - claimsBefore, settledPayments: settlement ? (await settled()) - settledBefore : null };
}

async function benchmarkInbound(bench: Bench, webhookSecret: string, stripe: Awaited<ReturnType<typeof startFakeStripe>>): Promise<MeasuredInbound[]> {
  const { settings, server } = bench;
  const org = await setUpOrg(server.baseUrl, {
    vendors: [{ vendorId: 'bench_stripe', rail: 'stripe' }],
    stripeAccount: { customer: 'cus_bench', payment_method: 'pm_card_visa' },
    agents: settings.agents,
    currency: settings.currency,
    paymentAmount: settings.paymentAmount,
    walletFunding: settings.paymentAmount * WALLET_FUNDING_IN_PAYMENTS,
  });
  log(`inbound org ${org.orgId}: Stripe vendor, rail account, ${org.agents.length} funded agents`);
  const target: InboundTarget = { baseUrl: server.baseUrl, connections: settings.connections, durationSeconds: settings.durationSeconds, webhookSecret };
  const mixed = () => unmatchedAndIgnoredEvents(settings.ignoredOneIn, settings.paymentAmount, settings.currency);
  const mixDescription = `payment_intent.succeeded for unknown payments, 1 in ${settings.ignoredOneIn} an ignored type`;

  const warmUp = await runInboundPhase('warm-up', mixDescription, { ...target, durationSeconds: Math.min(WARM_UP_SECONDS, settings.durationSeconds) }, mixed());
  log(`${describeInbound(warmUp)} (not counted)`);
  const phases = [await measuredInbound(bench, 'verify + claim', () => runInboundPhase('verify + claim', mixDescription, target, mixed()), false)];

  const count = SETTLEMENT_WARM_UP_EVENTS + settings.settlements;
  log(`making ${count} pending Stripe payments (intent → mandate → execute against the fake Stripe)`);
  const started = performance.now();
  const pending = await createPendingStripePayments(server.baseUrl, org, 'bench_stripe', count, settings.paymentAmount, settings.currency, SETUP_CONCURRENCY);
  log(`${pending.length} pending payments in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const settleDescription = 'payment_intent.succeeded for a pending payment (each settles it)';
  const settleWarmUp = await runInboundPhase('settlement warm-up', settleDescription, target, settlementEvents(stripe, pending.splice(0, SETTLEMENT_WARM_UP_EVENTS)));
  log(`${describeInbound(settleWarmUp)} (not counted)`);
  phases.push(await measuredInbound(bench, 'settlements', () => runInboundPhase('settlements', settleDescription, target, settlementEvents(stripe, pending)), true));
  return phases;
}

/** Waits until the receiver has the event, failing early if the worker died. */
async function waitForEvent(receiver: DeliveryReceiver, eventId: string, worker: RunningWorker, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!receiver.arrivals.has(eventId)) {
    worker.assertRunning();
    if (Date.now() > deadline) throw new Error(`the worker did not deliver ${eventId} within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

async function benchmarkOutbound(bench: Bench, cleanup: Cleanup, dataDir: string): Promise<MeasuredDelivery[]> {
  const { settings, server, databaseUrl } = bench;
  const receiver = await startDeliveryReceiver();
  cleanup.add('close the webhook receiver', () => receiver.close());
  const org = await setUpOrg(server.baseUrl, {
    vendors: [{ vendorId: 'bench_ledger', rail: 'ledger' }],
    agents: 1,
    currency: settings.currency,
    paymentAmount: settings.paymentAmount,
    walletFunding: settings.paymentAmount * WALLET_FUNDING_IN_PAYMENTS,
  });
  const endpoint = await callApi(server.baseUrl, 'POST', '/webhook-endpoints', { url: receiver.url, events: ['payment.settled'] }, org.orgKey);
  const endpointId = stringField(endpoint, 'id');
  log(`outbound org ${org.orgId}: endpoint ${endpointId} → ${receiver.url}`);

  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const worker = await startWorkerProcess({ repoRoot: REPO_ROOT, databaseUrl, poolSize: settings.serverPoolSize, dataDir, pollMs: settings.deliveryPollMs, nodeArgs });
  cleanup.add('stop the worker', () => worker.stop());

  // One real payment through the API: its payment.settled event proves the whole path and is the payload every synthetic event carries.
  const payment = await pay(server.baseUrl, org.agents[0]!, 'bench_ledger', settings.paymentAmount, settings.currency);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const event = await client.query<{ id: string; payload: string }>("select id, payload from events where org_id = $1 and type = 'payment.settled'", [org.orgId]).finally(() => client.end());
  const real = event.rows[0];
  if (!real) throw new Error(`payment ${String(payment.payment_id)} wrote no payment.settled event`);
  await waitForEvent(receiver, real.id, worker, 60_000);
  log(`worker ${worker.pid} delivered the first real event (${real.payload.length}-byte payload)`);

  const target: DeliveryTarget = { databaseUrl, orgId: org.orgId, endpointId, payload: real.payload };
  const timeoutFor = (events: number) => 60_000 + events * 50;
  const check = () => worker.assertRunning();
  const warmUp = await runDeliveryPhase(target, receiver, { phase: 'warm-up', events: DELIVERY_WARM_UP_EVENTS, timeoutMs: timeoutFor(DELIVERY_WARM_UP_EVENTS), check });
  log(`delivery warm-up: ${warmUp.deliveriesPerSecond}/s, ${warmUp.missing} missing (not counted)`);

  const meter = new CpuMeter(settings.adminDatabaseUrl, bench.databaseName, worker.pid);
  const phases: MeasuredDelivery[] = [];
  const plans = [
    { phase: 'burst', events: settings.deliveries },
    { phase: 'paced', events: settings.pacedDeliveriesPerSecond * settings.durationSeconds, perSecond: settings.pacedDeliveriesPerSecond },
  ];
  for (const plan of plans) {
    log(`delivery phase "${plan.phase}": ${plan.events} events${plan.perSecond ? ` at ${plan.perSecond}/s` : ' enqueued at once'}`);
    const { result, cpu } = await meter.measure(() => runDeliveryPhase(target, receiver, { ...plan, timeoutMs: timeoutFor(plan.events), check }));
    log(`${plan.phase}: ${result.deliveriesPerSecond} deliveries/s, created → received p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms; missing ${result.missing}, retried ${result.retried}, duplicates ${result.duplicates}`);
    phases.push({ ...result, cpu });
  }
  await worker.stop();
  return phases;
}

async function main(): Promise<boolean> {
  const settings = readWebhookSettings();
  const startedAt = new Date();
  const postgres = await readPostgresFacts(settings.adminDatabaseUrl);
  const machine = describeMachine(postgres.version);
  const code = describeCode(REPO_ROOT);
  const cleanup = new Cleanup();
  process.once('SIGINT', () => {
    log('interrupted: cleaning up');
    void cleanup.run().finally(() => process.exit(130));
  });
  try {
    const databaseName = throwAwayDatabaseName('benchwh');
    const databaseUrl = await createDatabase(settings.adminDatabaseUrl, databaseName);
    cleanup.add(`drop database ${databaseName}`, () => dropDatabase(settings.adminDatabaseUrl, databaseName));
    const dataDir = await mkdtemp(join(tmpdir(), 'frameos-bench-webhooks-'));
    cleanup.add(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
    const stripe = await startFakeStripe();
    cleanup.add('stop the fake Stripe', () => stripe.stop());

    // startServer passes this process's environment on to the server, so the rail settings go there.
    const webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
    const serverEnvironment = {
      RAIL_WEBHOOK_RATE_LIMIT_PER_MINUTE: RATE_LIMIT_OFF,
      IP_RATE_LIMIT_PER_MINUTE: RATE_LIMIT_OFF,
      SEED_DEMO_DATA: 'false',
    };
    Object.assign(process.env, serverEnvironment, { STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_BASE_URL: stripe.url });
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const server = await startServer({ repoRoot: REPO_ROOT, databaseUrl, poolSize: settings.serverPoolSize, dataDir, nodeArgs });
    cleanup.add('stop the server', () => server.stop());
    log(`server ready at ${server.baseUrl} on database ${databaseName}; fake Stripe at ${stripe.url}`);

    const bench: Bench = { settings, databaseUrl, databaseName, server };
    const inbound = await benchmarkInbound(bench, webhookSecret, stripe);
    const outbound = await benchmarkOutbound(bench, cleanup, dataDir);
    await server.stop();

    const { adminDatabaseUrl: _adminUrl, ...publicSettings } = settings;
    const report: WebhookBenchReport = {
      date: startedAt.toISOString(),
      machine: finishMachineFacts(machine),
      code,
      settings: { ...publicSettings, serverEnvironment: { ...serverEnvironment, STRIPE_API_BASE_URL: 'local fake Stripe', WEBHOOK_DELIVERY_POLL_MS: String(settings.deliveryPollMs) } },
      inbound,
      outbound,
      verdict: judgeWebhooks(inbound, outbound),
    };
    const file = await writeWebhookReport(RESULTS_DIR, report);
    console.log(`\n${webhookMarkdown(report)}\n`);
    log(`results written to ${file}`);
    return report.verdict.valid;
  } finally {
    await cleanup.run();
  }
}

runBenchmark(main);
