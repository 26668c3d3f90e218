/**
 * Marketplace runtime benchmark: `npm run bench:runtime`. See docs/benchmarks.md.
 *
 * Hello World executions end to end — POST /agents/:id/execute → the queue → the QuickJS sandbox →
 * the capture → `succeeded` — on PostgreSQL (an API process and BENCH_RUNTIME_WORKERS worker
 * processes, `--role=api` / `--role=worker`) and on embedded PGlite (one process with both roles, as
 * `npm start` runs with no DATABASE_URL). Everything is set up through the public API: a developer
 * registers agents/hello-world, a platform admin approves it, a customer deploys it once per payer
 * agent account (executions of one account serialise on its wallet/policy/receipt-chain locks).
 * Completion is watched through a webhook endpoint on a local receiver subscribed to
 * execution.succeeded; latency comes from the event's own created_at/started_at/completed_at.
 *
 * Per backend: a closed-loop saturation phase over many payers (throughput; CPU of the FrameOS
 * processes with their sandbox children vs the PostgreSQL backends; transactions per execution), the
 * same over one payer, an open-loop phase at a fixed rate below saturation (the latency one caller
 * sees), then runs up to BENCH_RUNTIME_LEAK_RUNS in total with the worker's RSS sampled at start,
 * after warm-up and at the end. Then bench/sandbox.ts is run for the sandbox's own per-run cost.
 * Prints Markdown and writes bench/results/runtime-<date>.json. Every database, directory and
 * process it creates is removed again, also when a step fails.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { CpuMeter, type CpuUsage } from './lib/cpu.ts';
import { createDatabase, dropDatabase, readPostgresFacts, throwAwayDatabaseName } from './lib/postgres.ts';
import { describeCode, describeMachine, finishMachineFacts, type CodeFacts, type MachineFacts } from './lib/report.ts';
import { Cleanup, log, runBenchmark } from './lib/run.ts';
import { positiveInteger } from './lib/settings.ts';
import { setUpRuntimeFixture, type RuntimeFixture } from './lib/runtime-fixture.ts';
import { runClosedLoop, runOpenLoop, startEventReceiver, type RuntimePhaseResult, type RuntimeTarget } from './lib/runtime-load.ts';
import { startRuntimeProcess, TreeCpu, treeMemory, type RuntimeProcess, type TreeMemory } from './lib/runtime-processes.ts';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
const ADMIN_EMAIL = 'bench-reviewer@frameos.bench';
const SAMPLE_INTERVAL_MS = 250;

type Backend = 'postgres' | 'pglite';

interface RuntimeSettings {
  adminDatabaseUrl: string;
  backends: Backend[];
  /** Payer agent accounts (one deployment each) of the many-payer phases. */
  payers: number;
  /** Executions kept in flight by the closed-loop phases. */
  inFlight: number;
  warmUpExecutions: number;
  /** Executions of the measured many-payer saturation phase. */
  executions: number;
  /** Executions of the one-payer saturation phase (0: skipped). */
  singlePayerExecutions: number;
  /** Executions in flight in the one-payer phase (all on one wallet/policy/receipt chain). */
  singlePayerInFlight: number;
  /** A measured closed-loop phase stops sending after this long even if it has not sent its count. */
  maxPhaseSeconds: number;
  /** Offered rate of the open-loop phase; 0: half the measured saturation throughput, at most 100/s. */
  pacedPerSecond: number;
  pacedSeconds: number;
  /** Total runs per backend after which the worker's memory is read (the leak check). */
  leakRuns: number;
  /** Worker processes on PostgreSQL. */
  workers: number;
  maxConcurrency: number;
  /** What the FrameOS processes are started with. */
  serverEnv: Record<string, string>;
}

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

/** A setting from --name=value, else the environment variable, else the default. */
function integerSetting(flagName: string, envName: string, fallback: number, allowZero = false): number {
  const raw = flag(flagName);
  if (raw !== undefined) process.env[envName] = raw;
  if (allowZero && process.env[envName] === '0') return 0;
  return positiveInteger(envName, fallback);
}

function readRuntimeSettings(): RuntimeSettings {
  const backends = (flag('backends') ?? process.env.BENCH_RUNTIME_BACKENDS ?? 'postgres,pglite').split(',').map((b) => b.trim()).filter(Boolean);
  for (const backend of backends) if (backend !== 'postgres' && backend !== 'pglite') throw new Error(`unknown backend "${backend}" (postgres, pglite)`);
  const concurrency = integerSetting('runtime-concurrency', 'BENCH_RUNTIME_CONCURRENCY', 32);
  return {
    adminDatabaseUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
    backends: backends as Backend[],
    payers: integerSetting('payers', 'BENCH_RUNTIME_PAYERS', 16),
    inFlight: integerSetting('in-flight', 'BENCH_RUNTIME_IN_FLIGHT', 64),
    warmUpExecutions: integerSetting('warm-up', 'BENCH_RUNTIME_WARM_UP', 300),
    executions: integerSetting('executions', 'BENCH_RUNTIME_EXECUTIONS', 1500),
    singlePayerExecutions: integerSetting('single-payer-executions', 'BENCH_RUNTIME_SINGLE_PAYER_EXECUTIONS', 500, true),
    singlePayerInFlight: integerSetting('single-payer-in-flight', 'BENCH_RUNTIME_SINGLE_PAYER_IN_FLIGHT', 8),
    maxPhaseSeconds: integerSetting('max-phase-seconds', 'BENCH_RUNTIME_MAX_PHASE_SECONDS', 90),
    pacedPerSecond: integerSetting('paced-rate', 'BENCH_RUNTIME_PACED_RATE', 0, true),
    pacedSeconds: integerSetting('paced-seconds', 'BENCH_RUNTIME_PACED_SECONDS', 15),
    leakRuns: integerSetting('leak-runs', 'BENCH_RUNTIME_LEAK_RUNS', 10_000),
    workers: integerSetting('workers', 'BENCH_RUNTIME_WORKERS', 1),
    maxConcurrency: 100,
    serverEnv: {
      RUNTIME_CONCURRENCY: String(concurrency),
      EXECUTION_POLL_MS: String(integerSetting('poll-ms', 'BENCH_RUNTIME_POLL_MS', 100)),
      // The receiver's events arrive through the outbox; a short poll keeps their lag out of the closed loop.
      WEBHOOK_DELIVERY_POLL_MS: String(integerSetting('webhook-poll-ms', 'BENCH_RUNTIME_WEBHOOK_POLL_MS', 50)),
      DATABASE_POOL_SIZE: String(integerSetting('pool-size', 'BENCH_POOL_SIZE', 20)),
      PLATFORM_ADMIN_EMAILS: ADMIN_EMAIL,
    },
  };
}

interface CpuSplit {
  /** The API role (or the one embedded process, which also runs the worker and PGlite). */
  apiMs: number;
  /** Worker processes themselves (0 in embedded mode: counted in apiMs). */
  workerMs: number;
  /** The sandbox pool's child processes. */
  sandboxMs: number;
  /** PostgreSQL backends of the benchmark database (0 on PGlite: it runs inside the server process). */
  postgresMs: number;
  /** This process: the load generator and the webhook receiver. */
  benchMs: number;
}

interface PostgresCounters {
  commits: number;
  rollbacks: number;
}

interface MeasuredPhase extends RuntimePhaseResult {
  cpu: CpuSplit;
  /** CPU ms per execution, by side. */
  cpuMsPerExecution: CpuSplit & { total: number };
  /** Share of the CPU spent, in %: FrameOS processes (API + worker + sandbox) vs PostgreSQL. */
  serverSharePercent: number;
  postgresSharePercent: number;
  /** Wall-clock seconds of CPU per wall-clock second, all sides (the machine has `cores`). */
  coresBusy: number;
  /** PostgreSQL transactions committed / rolled back per execution (PostgreSQL only). */
  transactionsPerExecution: { commits: number; rollbacks: number } | null;
}

interface BackendResult {
  backend: Backend;
  topology: string;
  phases: MeasuredPhase[];
  memory: { label: string; runs: number; worker: TreeMemory }[];
  totalRuns: number;
  problems: string[];
}

async function postgresCounters(adminUrl: string, database: string): Promise<PostgresCounters> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const result = await client.query<{ c: string; r: string }>('select xact_commit::text as c, xact_rollback::text as r from pg_stat_database where datname = $1', [database]);
    return { commits: Number(result.rows[0]?.c ?? 0), rollbacks: Number(result.rows[0]?.r ?? 0) };
  } finally {
    await client.end();
  }
}

interface Stack {
  backend: Backend;
  api: RuntimeProcess;
  workers: RuntimeProcess[];
  /** The processes whose sandbox pools run the executions. */
  runners: RuntimeProcess[];
  databaseName: string | null;
}

async function measurePhase(settings: RuntimeSettings, stack: Stack, run: () => Promise<RuntimePhaseResult>): Promise<MeasuredPhase> {
  const roots = [stack.api, ...stack.workers];
  const trees = new TreeCpu(roots.map((p) => p.pid));
  // PGlite has no backends: measuring a database nobody connects to gives PostgreSQL 0.
  const meter = new CpuMeter(settings.adminDatabaseUrl, stack.databaseName ?? 'frameos_bench_no_database');
  const countersBefore = stack.databaseName ? await postgresCounters(settings.adminDatabaseUrl, stack.databaseName) : null;
  await trees.sample();
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(() => trees.sample()).catch(() => undefined);
  }, SAMPLE_INTERVAL_MS);
  let measured: { result: RuntimePhaseResult; cpu: CpuUsage };
  const startedAt = performance.now();
  try {
    measured = await meter.measure(run);
  } finally {
    clearInterval(timer);
    await sampling;
  }
  const wallSeconds = (performance.now() - startedAt) / 1000;
  await trees.sample();
  const totals = trees.totals();
  const cpu: CpuSplit = {
    apiMs: Math.round(totals.get(stack.api.pid)!.ownMs),
    workerMs: Math.round(stack.workers.reduce((sum, w) => sum + totals.get(w.pid)!.ownMs, 0)),
    sandboxMs: Math.round(roots.reduce((sum, p) => sum + totals.get(p.pid)!.childrenMs, 0)),
    postgresMs: measured.cpu.postgresMs,
    benchMs: measured.cpu.loadGeneratorMs,
  };
  const result = measured.result;
  const per = (ms: number) => (result.succeeded === 0 ? 0 : Math.round((ms / result.succeeded) * 100) / 100);
  const server = cpu.apiMs + cpu.workerMs + cpu.sandboxMs;
  const all = server + cpu.postgresMs + cpu.benchMs;
  const countersAfter = stack.databaseName ? await postgresCounters(settings.adminDatabaseUrl, stack.databaseName) : null;
  const total = result.succeeded + result.failed;
  return {
    ...result,
    cpu,
    cpuMsPerExecution: { apiMs: per(cpu.apiMs), workerMs: per(cpu.workerMs), sandboxMs: per(cpu.sandboxMs), postgresMs: per(cpu.postgresMs), benchMs: per(cpu.benchMs), total: per(all) },
    serverSharePercent: server + cpu.postgresMs === 0 ? 0 : Math.round((server / (server + cpu.postgresMs)) * 1000) / 10,
    postgresSharePercent: server + cpu.postgresMs === 0 ? 0 : Math.round((cpu.postgresMs / (server + cpu.postgresMs)) * 1000) / 10,
    coresBusy: Math.round((all / 1000 / wallSeconds) * 100) / 100,
    transactionsPerExecution: countersBefore && countersAfter && total > 0
      ? { commits: Math.round(((countersAfter.commits - countersBefore.commits) / total) * 10) / 10, rollbacks: Math.round(((countersAfter.rollbacks - countersBefore.rollbacks) / total) * 100) / 100 }
      : null,
  };
}

function describePhase(p: RuntimePhaseResult): string {
  return `${p.phase} (${p.load}): ${p.succeeded} succeeded, ${p.failed} failed, ${p.executionsPerSecond}/s; created→completed p50 ${p.endToEndMs.p50} ms p99 ${p.endToEndMs.p99} ms (queued p50 ${p.queuedMs.p50}, running p50 ${p.runningMs.p50}, sandbox p50 ${p.sandboxMs.p50}); POST p50 ${p.postMs.p50} ms`;
}

async function startStack(settings: RuntimeSettings, backend: Backend, cleanup: Cleanup): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), `frameos-bench-runtime-${backend}-`));
  cleanup.add(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const common = { repoRoot: REPO_ROOT, dataDir, env: settings.serverEnv, nodeArgs };
  if (backend === 'pglite') {
    const api = await startRuntimeProcess({ ...common, role: 'all', databaseUrl: null });
    cleanup.add('stop the embedded server', () => api.stop());
    return { backend, api, workers: [], runners: [api], databaseName: null };
  }
  const databaseName = throwAwayDatabaseName('benchrt');
  const databaseUrl = await createDatabase(settings.adminDatabaseUrl, databaseName);
  cleanup.add(`drop database ${databaseName}`, () => dropDatabase(settings.adminDatabaseUrl, databaseName));
  // The API migrates the new database; the workers start once it is ready.
  const api = await startRuntimeProcess({ ...common, role: 'api', databaseUrl });
  cleanup.add('stop the API process', () => api.stop());
  const workers: RuntimeProcess[] = [];
  for (let i = 0; i < settings.workers; i++) {
    const worker = await startRuntimeProcess({ ...common, role: 'worker', databaseUrl });
    cleanup.add(`stop worker ${worker.pid}`, () => worker.stop());
    workers.push(worker);
  }
  return { backend, api, workers, runners: workers, databaseName };
}

async function runnerMemory(stack: Stack): Promise<TreeMemory> {
  const trees = await Promise.all(stack.runners.map((r) => treeMemory(r.pid)));
  const sum = (pick: (t: TreeMemory) => number) => Math.round(trees.reduce((s, t) => s + pick(t), 0) * 10) / 10;
  return { processMiB: sum((t) => t.processMiB), childrenMiB: trees.flatMap((t) => t.childrenMiB), totalMiB: sum((t) => t.totalMiB) };
}

async function benchmarkBackend(settings: RuntimeSettings, backend: Backend, cleanup: Cleanup): Promise<BackendResult> {
  try {
    const receiver = await startEventReceiver();
    cleanup.add('close the webhook receiver', () => receiver.close());
    const stack = await startStack(settings, backend, cleanup);
    const topology = backend === 'pglite'
      ? `one process (--role=all) on embedded PGlite, RUNTIME_CONCURRENCY ${settings.serverEnv.RUNTIME_CONCURRENCY}`
      : `API process (--role=api) + ${settings.workers} worker process(es) (--role=worker) on PostgreSQL, RUNTIME_CONCURRENCY ${settings.serverEnv.RUNTIME_CONCURRENCY} per worker`;
    log(`${backend}: ${topology} at ${stack.api.baseUrl}`);
    const fixture: RuntimeFixture = await setUpRuntimeFixture(stack.api.baseUrl!, {
      repoRoot: REPO_ROOT,
      adminEmail: ADMIN_EMAIL,
      payers: settings.payers,
      maxConcurrency: settings.maxConcurrency,
      fundedExecutions: settings.leakRuns + settings.executions + settings.warmUpExecutions + 10_000,
      webhookUrl: receiver.url,
    });
    log(`${backend}: ${fixture.agentId} approved, ${fixture.payers.length} payer accounts each with a deployment (max_concurrency ${settings.maxConcurrency}), endpoint ${fixture.endpointId}`);
    const target: RuntimeTarget = { baseUrl: stack.api.baseUrl!, agentId: fixture.agentId, payers: fixture.payers, receiver, timeoutMs: 180_000 };
    const check = () => [stack.api, ...stack.workers].forEach((p) => p.assertRunning());
    const memory: BackendResult['memory'] = [];
    const problems: string[] = [];
    let totalRuns = 0;
    const note = (phase: RuntimePhaseResult) => {
      totalRuns += phase.succeeded + phase.failed;
      if (phase.failed > 0) problems.push(`${backend} ${phase.phase}: ${phase.failed} failed, e.g. ${phase.failureExamples[0]}`);
      log(`${backend}: ${describePhase(phase)}`);
      for (const example of phase.failureExamples) log(`${backend}: ${phase.phase} failure: ${example}`);
      if (phase.failed > 0) log(`${backend}: end of the API process's output:\n${stack.api.outputTail().slice(-3000)}`);
    };
    await sleep(1000);
    memory.push({ label: 'start', runs: 0, worker: await runnerMemory(stack) });

    const warmUp = await runClosedLoop('warm-up', target, settings.warmUpExecutions, settings.inFlight);
    note(warmUp);
    check();
    memory.push({ label: 'after warm-up', runs: totalRuns, worker: await runnerMemory(stack) });

    const phases: MeasuredPhase[] = [];
    const measured = async (run: () => Promise<RuntimePhaseResult>) => {
      const phase = await measurePhase(settings, stack, run);
      note(phase);
      log(`${backend}: CPU ms/execution api ${phase.cpuMsPerExecution.apiMs}, worker ${phase.cpuMsPerExecution.workerMs}, sandbox ${phase.cpuMsPerExecution.sandboxMs}, postgres ${phase.cpuMsPerExecution.postgresMs}, bench ${phase.cpuMsPerExecution.benchMs}; ${phase.coresBusy} cores busy`);
      check();
      phases.push(phase);
      return phase;
    };
    const saturated = await measured(() => runClosedLoop('saturation', target, settings.executions, settings.inFlight, undefined, settings.maxPhaseSeconds));
    if (settings.singlePayerExecutions > 0) {
      const onePayer = { ...target, payers: target.payers.slice(0, 1) };
      await measured(() => runClosedLoop('saturation, one payer', onePayer, settings.singlePayerExecutions, settings.singlePayerInFlight, undefined, settings.maxPhaseSeconds));
    }
    const rate = settings.pacedPerSecond || Math.max(1, Math.min(100, Math.floor(saturated.executionsPerSecond / 2)));
    await measured(() => runOpenLoop('paced', target, rate, settings.pacedSeconds));

    const remaining = settings.leakRuns - totalRuns;
    if (remaining > 0) {
      log(`${backend}: ${remaining} more runs to reach ${settings.leakRuns} (memory check)`);
      const leak = await runClosedLoop('leak check', target, remaining, settings.inFlight, (done) => log(`${backend}: leak check ${done}/${remaining}`));
      note(leak);
      check();
    }
    await sleep(1000);
    memory.push({ label: `after ${totalRuns} runs`, runs: totalRuns, worker: await runnerMemory(stack) });
    log(`${backend}: runner RSS ${memory.map((m) => `${m.label} ${m.worker.totalMiB} MiB (process ${m.worker.processMiB}, sandbox children ${m.worker.childrenMiB.join('/')})`).join('; ')}`);
    if (receiver.duplicates() > 0) problems.push(`${backend}: ${receiver.duplicates()} execution.succeeded events arrived twice`);
    return { backend, topology, phases, memory, totalRuns, problems };
  } finally {
    // Each backend's processes, database and directories go before the next backend starts.
    await cleanup.run();
  }
}

interface SandboxBench {
  date: string;
  machine: string;
  phasesMs: Record<string, { p50: number; p99: number }>;
  pool: Record<string, unknown>;
}

/** bench/sandbox.ts as it is (npm run bench:sandbox): its JSON is the sandbox's own per-run cost. */
async function runSandboxBench(): Promise<SandboxBench | { error: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/sandbox.ts'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000 });
    return JSON.parse(stdout.slice(stdout.indexOf('{'))) as SandboxBench;
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

interface RuntimeReport {
  date: string;
  machine: MachineFacts;
  code: CodeFacts;
  settings: Omit<RuntimeSettings, 'adminDatabaseUrl'>;
  backends: BackendResult[];
  sandbox: SandboxBench | { error: string } | null;
  valid: boolean;
}

function markdown(report: RuntimeReport): string {
  const m = report.machine;
  const lat = (l: { p50: number; p99: number }) => `${Math.round(l.p50)} / ${Math.round(l.p99)}`;
  const lines = [
    `Measured ${report.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}; Node ${m.node}; PostgreSQL ${m.postgres} on the same machine.`,
    `Load average (1/5/15 min) at start ${m.loadAverageAtStart.join(' / ')}, at end ${m.loadAverageAtEnd.join(' / ')}.`,
    `Server code at ${report.code.commit.slice(0, 7)}${report.code.uncommittedChanges ? ' with uncommitted changes' : ''}. Server env: ${Object.entries(report.settings.serverEnv).filter(([k]) => k !== 'PLATFORM_ADMIN_EMAILS').map(([k, v]) => `${k}=${v}`).join(', ')}.`,
    '',
    '| backend | phase | load | succeeded | exec/s | created→succeeded p50 / p99 ms | queued p50 / p99 | running p50 / p99 | sandbox p50 / p99 | POST 202 p50 / p99 | POST→webhook p50 / p99 |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...report.backends.flatMap((b) => b.phases.map((p) => `| ${b.backend} | ${p.phase} | ${p.load} | ${p.succeeded} | ${p.executionsPerSecond} | ${lat(p.endToEndMs)} | ${lat(p.queuedMs)} | ${lat(p.runningMs)} | ${lat(p.sandboxMs)} | ${lat(p.postMs)} | ${lat(p.webhookMs)} |`)),
    '',
    'CPU ms per execution (from /proc; FrameOS = API + worker + sandbox children; PostgreSQL = the benchmark database\'s backends; on PGlite the database runs inside the one process):',
    '',
    '| backend | phase | API | worker | sandbox children | PostgreSQL | bench (load + receiver) | total | FrameOS : PostgreSQL | cores busy | PG commits / rollbacks per execution |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...report.backends.flatMap((b) => b.phases.map((p) => {
      const c = p.cpuMsPerExecution;
      const tx = p.transactionsPerExecution ? `${p.transactionsPerExecution.commits} / ${p.transactionsPerExecution.rollbacks}` : '–';
      return `| ${b.backend} | ${p.phase} | ${c.apiMs} | ${c.workerMs} | ${c.sandboxMs} | ${c.postgresMs} | ${c.benchMs} | ${c.total} | ${p.serverSharePercent} % : ${p.postgresSharePercent} % | ${p.coresBusy} | ${tx} |`;
    })),
    '',
    'Memory (RSS) of the process(es) running the executions and their sandbox children:',
    '',
    '| backend | when | runs | process MiB | sandbox children MiB | total MiB |',
    '|---|---|--:|--:|--:|--:|',
    ...report.backends.flatMap((b) => b.memory.map((mem) => `| ${b.backend} | ${mem.label} | ${mem.runs} | ${mem.worker.processMiB} | ${mem.worker.childrenMiB.join(' + ') || '–'} | ${mem.worker.totalMiB} |`)),
    '',
    ...report.backends.map((b) => `${b.backend}: ${b.topology}.`),
  ];
  const sandbox = report.sandbox;
  if (sandbox && 'phasesMs' in sandbox) {
    lines.push('', 'The sandbox alone (bench/sandbox.ts, p50 / p99 ms):', '', '| step | p50 | p99 |', '|---|--:|--:|');
    for (const [step, l] of Object.entries(sandbox.phasesMs)) lines.push(`| ${step} | ${l.p50} | ${l.p99} |`);
    lines.push('', `Pool: ${JSON.stringify(sandbox.pool)}`);
  } else if (sandbox) lines.push('', `bench/sandbox.ts failed: ${sandbox.error}`);
  const problems = report.backends.flatMap((b) => b.problems);
  lines.push('', problems.length === 0 ? 'Every execution succeeded; no event arrived twice.' : `INVALID RUN: ${problems.join('; ')}`);
  return lines.join('\n');
}

async function main(): Promise<boolean> {
  const settings = readRuntimeSettings();
  const startedAt = new Date();
  const postgres = await readPostgresFacts(settings.adminDatabaseUrl);
  const machine = describeMachine(postgres.version);
  const code = describeCode(REPO_ROOT);
  const cleanup = new Cleanup();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      void cleanup.run().finally(() => process.exit(130));
    });
  }
  try {
    const backends: BackendResult[] = [];
    for (const backend of settings.backends) backends.push(await benchmarkBackend(settings, backend, cleanup));
    const skipSandbox = flag('skip-sandbox') !== undefined || process.argv.includes('--skip-sandbox') || process.env.BENCH_RUNTIME_SKIP_SANDBOX === '1';
    if (!skipSandbox) log('running bench/sandbox.ts (the sandbox alone)');
    const sandbox = skipSandbox ? null : await runSandboxBench();
    const { adminDatabaseUrl: _adminUrl, ...publicSettings } = settings;
    const report: RuntimeReport = {
      date: startedAt.toISOString(),
      machine: finishMachineFacts(machine),
      code,
      settings: publicSettings,
      backends,
      sandbox,
      valid: backends.every((b) => b.problems.length === 0) && !(sandbox && 'error' in sandbox),
    };
    await mkdir(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `runtime-${report.date.slice(0, 10)}-${settings.backends.join('-')}.json`);
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n${markdown(report)}\n`);
    log(`results written to ${file}`);
    return report.valid;
  } finally {
    await cleanup.run();
  }
}

runBenchmark(main);
