/**
 * Gateway benchmark: `npm run bench:gateway`. See docs/benchmarks.md.
 *
 * Starts the real server (API role) on a fresh PostgreSQL database, builds an org through the public
 * API, drives intent → mandate → execute with autocannon, runs pgbench on the same server as the
 * ceiling, prints a Markdown table and writes bench/results/gateway-<date>.json. Every database and
 * process it creates is removed again, also when a step fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpuMeter } from './lib/cpu.ts';
import { Cleanup, log, runBenchmark } from './lib/run.ts';
import { setUpFixture } from './lib/fixture.ts';
import { runPacedUsers } from './lib/paced-users.ts';
import { createIntents, createMandates, executeMandates, fullFlow, IdPool, runPhase, type LoadTarget, type PhaseResult } from './lib/load.ts';
import { initialisePgbench, runPgbench, type PgbenchResult } from './lib/pgbench.ts';
import { createDatabase, dropDatabase, readPostgresFacts, throwAwayDatabaseName, type PostgresFacts } from './lib/postgres.ts';
import { describeCode, describeMachine, endpointOf, finishMachineFacts, judge, markdownReport, writeReport, type BenchReport, type MeasuredPhase } from './lib/report.ts';
import { startServer } from './lib/server.ts';
import { readSettings, type BenchSettings } from './lib/settings.ts';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
/** Connections pgbench leaves free for everyone else using the server. */
const PGBENCH_CONNECTION_HEADROOM = 5;
/** Each wallet holds this many payments, far more than a run makes, so no execute can fail for funds. */
const WALLET_FUNDING_IN_PAYMENTS = 100_000;
/** The full flow runs this long before measuring, so V8 has compiled the hot paths and the pool is open. */
const WARM_UP_SECONDS = 5;


function describePhase(result: PhaseResult): string {
  const endpoints = result.endpoints.map((e) => `${e.endpoint} ${e.requestsPerSecond}/s p95 ${e.latencyMs.p95} ms`).join(', ');
  return `${result.phase}: ${endpoints}; non-2xx ${result.non2xx}, errors ${result.connectionErrors}`;
}

/** Each phase feeds the next: intents → mandates → executes; the last phase chains all three per connection. */
async function runGatewayPhases(target: LoadTarget, meter: CpuMeter, userRequestsPerSecond: number): Promise<MeasuredPhase[]> {
  const intents = new IdPool();
  const mandates = new IdPool();
  const phases: MeasuredPhase[] = [];
  const warmUp = await runPhase('warm-up', { ...target, durationSeconds: Math.min(WARM_UP_SECONDS, target.durationSeconds) }, fullFlow);
  log(`${describePhase(warmUp)} (not counted)`);
  const plans = [
    { name: 'intents', plan: createIntents(intents) },
    { name: 'mandates', plan: createMandates(intents, mandates) },
    { name: 'executes', plan: executeMandates(mandates) },
    { name: 'full flow', plan: fullFlow },
  ];
  for (const { name, plan } of plans) {
    log(`phase "${name}": ${target.connections} connections for ${target.durationSeconds} s`);
    const { result, cpu } = await meter.measure(() => runPhase(name, target, plan));
    log(describePhase(result));
    phases.push({ ...result, cpu });
  }
  // The plan's "100 concurrent users": each user runs the flow with think time between requests.
  log(`phase "paced users": ${target.connections} users, ${userRequestsPerSecond} request/s each on average`);
  const { result, cpu } = await meter.measure(() => runPacedUsers(target, userRequestsPerSecond));
  log(describePhase(result));
  phases.push({ ...result, cpu });
  return phases;
}

async function benchmarkGateway(settings: BenchSettings, cleanup: Cleanup): Promise<MeasuredPhase[]> {
  const databaseName = throwAwayDatabaseName('bench');
  const databaseUrl = await createDatabase(settings.adminDatabaseUrl, databaseName);
  cleanup.add(`drop database ${databaseName}`, () => dropDatabase(settings.adminDatabaseUrl, databaseName));
  const dataDir = await mkdtemp(join(tmpdir(), 'frameos-bench-'));
  cleanup.add(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));

  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = await startServer({ repoRoot: REPO_ROOT, databaseUrl, poolSize: settings.serverPoolSize, dataDir, nodeArgs });
  cleanup.add('stop the server', () => server.stop());
  log(`server ready at ${server.baseUrl} on database ${databaseName}`);

  const fixture = await setUpFixture(server.baseUrl, {
    agents: settings.agents,
    vendors: settings.vendors,
    currency: settings.currency,
    paymentAmount: settings.paymentAmount,
    walletFunding: settings.paymentAmount * WALLET_FUNDING_IN_PAYMENTS,
  });
  log(`org ${fixture.orgId}: ${fixture.agents.length} funded agent accounts, ${settings.vendors} ledger vendor(s)`);

  const target = { baseUrl: server.baseUrl, agents: fixture.agents, connections: settings.connections, durationSeconds: settings.durationSeconds, paymentAmount: settings.paymentAmount, currency: settings.currency };
  const phases = await runGatewayPhases(target, new CpuMeter(settings.adminDatabaseUrl, databaseName, server.pid), settings.userRequestsPerSecond);
  await server.stop();
  return phases;
}

/** As many pgbench clients as the benchmark's connections, if the server has that many free. */
function pgbenchClientCount(settings: BenchSettings, facts: PostgresFacts): number {
  const free = facts.maxConnections - facts.superuserReservedConnections - facts.connectionsInUse - PGBENCH_CONNECTION_HEADROOM;
  return Math.max(1, Math.min(settings.connections, free));
}

async function benchmarkPostgres(settings: BenchSettings, cleanup: Cleanup): Promise<PgbenchResult> {
  const databaseName = throwAwayDatabaseName('pgbench');
  const databaseUrl = await createDatabase(settings.adminDatabaseUrl, databaseName);
  cleanup.add(`drop database ${databaseName}`, () => dropDatabase(settings.adminDatabaseUrl, databaseName));
  log(`pgbench: initialising scale ${settings.pgbenchScale}`);
  await initialisePgbench(databaseUrl, settings.pgbenchScale);
  const clients = pgbenchClientCount(settings, await readPostgresFacts(settings.adminDatabaseUrl));
  const threads = Math.min(availableParallelism(), clients);
  log(`pgbench: TPC-B, ${clients} clients, ${threads} threads, ${settings.durationSeconds} s`);
  const meter = new CpuMeter(settings.adminDatabaseUrl, databaseName);
  const { result, cpu } = await meter.measure(() => runPgbench({ databaseUrl, scale: settings.pgbenchScale, clients, threads, durationSeconds: settings.durationSeconds }));
  log(`pgbench: ${result.tps.toFixed(1)} TPS, p95 ${result.latencyMs.p95} ms`);
  return { ...result, postgresCpuMsPerTransaction: Math.round((cpu.postgresMs / Math.max(1, result.transactions)) * 100) / 100 };
}

async function main(): Promise<boolean> {
  const settings = readSettings();
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
    const phases = await benchmarkGateway(settings, cleanup);
    const pgbench = await benchmarkPostgres(settings, cleanup);
    const executePhase = phases.find((phase) => phase.phase === 'executes');
    const executesPerSecond = (executePhase && endpointOf(executePhase, 'POST /execute')?.requestsPerSecond) ?? 0;
    const ratio = Math.round((executesPerSecond / pgbench.tps) * 1000) / 1000;
    const { adminDatabaseUrl: _adminUrl, ...publicSettings } = settings;
    const report: BenchReport = {
      date: startedAt.toISOString(),
      machine: finishMachineFacts(machine),
      code,
      settings: { ...publicSettings, pgbenchClients: pgbench.clients },
      phases,
      pgbench,
      executesPerSecond,
      executesPerPgbenchTransaction: ratio,
      verdict: judge(phases, pgbench, ratio),
    };
    const file = await writeReport(RESULTS_DIR, report);
    console.log(`\n${markdownReport(report)}\n`);
    log(`results written to ${file}`);
    return report.verdict.valid;
  } finally {
    await cleanup.run();
  }
}

runBenchmark(main);
