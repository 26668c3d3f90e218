import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchSettings } from './settings.ts';
import type { CpuUsage } from './cpu.ts';
import type { EndpointResult, PhaseResult } from './load.ts';
import type { PgbenchResult } from './pgbench.ts';

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
}

/** Which server code was measured. */
export interface CodeFacts {
  commit: string;
  /** apps/ or packages/ differed from the commit (someone's work in progress was measured too). */
  uncommittedChanges: boolean;
}

export type MeasuredPhase = PhaseResult & { cpu: CpuUsage };

export interface Verdict {
  valid: boolean;
  problems: string[];
  /** Worth knowing, not disqualifying: a phase that used up its pre-made ids ended early and is measured over the time it ran. */
  notes: string[];
  /** Judged on the paced phase: 100 users with think time, the plan's scenario. */
  p95Under120Ms: boolean;
  p99Under50Ms: boolean;
  /** Judged on the full flow with no think time: how the server behaves past saturation. */
  saturatedP95Under120Ms: boolean;
  executeRatioAtLeast25Percent: boolean;
}

export interface BenchReport {
  date: string;
  machine: MachineFacts;
  code: CodeFacts;
  settings: Omit<BenchSettings, 'adminDatabaseUrl'> & { pgbenchClients: number };
  phases: MeasuredPhase[];
  pgbench: PgbenchResult;
  /** From the execute-only phase. */
  executesPerSecond: number;
  executesPerPgbenchTransaction: number;
  verdict: Verdict;
}

const P95_TARGET_MS = 120;
const P99_AIM_MS = 50;
const RATIO_AIM = 0.25;

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

const roundedLoad = () => loadavg().map((l) => Math.round(l * 100) / 100);

export function describeMachine(postgresVersion: string): Omit<MachineFacts, 'loadAverageAtEnd'> {
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `Linux ${release()}`,
    node: process.version,
    postgres: postgresVersion,
    loadAverageAtStart: roundedLoad(),
  };
}

export function describeCode(repoRoot: string): CodeFacts {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), uncommittedChanges: git('status', '--porcelain', '--', 'apps', 'packages') !== '' };
  } catch {
    return { commit: 'unknown', uncommittedChanges: false };
  }
}

export function finishMachineFacts(facts: Omit<MachineFacts, 'loadAverageAtEnd'>): MachineFacts {
  return { ...facts, loadAverageAtEnd: roundedLoad() };
}

export function endpointOf(phase: PhaseResult, endpoint: EndpointResult['endpoint']): EndpointResult | undefined {
  return phase.endpoints.find((e) => e.endpoint === endpoint);
}

/** A run counts only with no connection error, no timeout and no non-2xx answer in any phase. */
export function judge(phases: PhaseResult[], pgbench: PgbenchResult, ratio: number): Verdict {
  const problems: string[] = [];
  const notes: string[] = [];
  for (const phase of phases) {
    if (phase.connectionErrors > 0) problems.push(`${phase.phase}: ${phase.connectionErrors} connection errors (${phase.timeouts} timeouts)`);
    if (phase.non2xx > 0) problems.push(`${phase.phase}: ${phase.non2xx} non-2xx responses, e.g. ${phase.failureExamples[0] ?? '?'}`);
    if (phase.stoppedEarly) notes.push(`${phase.phase}: ran out of pre-made ids and stopped after ${phase.durationSeconds} s`);
  }
  if (pgbench.failedTransactions > 0) problems.push(`pgbench: ${pgbench.failedTransactions} failed transactions`);
  const paced = phases.find((p) => p.phase === 'paced users')?.endpoints ?? [];
  const saturated = phases.find((p) => p.phase === 'full flow')?.endpoints ?? [];
  const under = (endpoints: EndpointResult[], pick: (e: EndpointResult) => number, limit: number) => endpoints.length === 3 && endpoints.every((e) => pick(e) < limit);
  return {
    valid: problems.length === 0,
    problems,
    notes,
    p95Under120Ms: under(paced, (e) => e.latencyMs.p95, P95_TARGET_MS),
    p99Under50Ms: under(paced, (e) => e.latencyMs.p99, P99_AIM_MS),
    saturatedP95Under120Ms: under(saturated, (e) => e.latencyMs.p95, P95_TARGET_MS),
    executeRatioAtLeast25Percent: ratio >= RATIO_AIM,
  };
}

export async function writeReport(directory: string, report: BenchReport): Promise<string> {
  await mkdir(directory, { recursive: true });
  const file = join(directory, `gateway-${report.date.slice(0, 10)}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

const yesNo = (ok: boolean) => (ok ? 'yes' : 'no');

function cpuRow(phase: MeasuredPhase): string {
  const requests = phase.endpoints.reduce((sum, e) => sum + e.succeeded, 0);
  const perRequest = (ms: number) => (requests === 0 ? '–' : (ms / requests).toFixed(2));
  return `| ${phase.phase} | ${requests} | ${perRequest(phase.cpu.serverMs)} | ${perRequest(phase.cpu.postgresMs)} | ${perRequest(phase.cpu.loadGeneratorMs)} |`;
}

function endpointRow(phase: PhaseResult, e: EndpointResult): string {
  const l = e.latencyMs;
  return `| ${phase.phase} | ${e.endpoint} | ${e.succeeded} | ${e.requestsPerSecond} | ${l.p50} | ${l.p95} | ${l.p99} | ${l.max} | ${e.failed} |`;
}

export function markdownReport(report: BenchReport): string {
  const { machine: m, settings: s, pgbench: pg, verdict: v } = report;
  const lines = [
    `Measured ${report.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}; Node ${m.node}; PostgreSQL ${m.postgres} on the same machine.`,
    `Load average (1/5/15 min) at start ${m.loadAverageAtStart.join(' / ')}, at end ${m.loadAverageAtEnd.join(' / ')}.`,
    `Server code at ${report.code.commit.slice(0, 7)}${report.code.uncommittedChanges ? ' with uncommitted changes' : ''}.`,
    `${s.connections} connections, ${s.agents} agent accounts, ${s.vendors} vendor(s), server pool ${s.serverPoolSize}, ${s.durationSeconds} s per phase.`,
    '',
    '| phase | endpoint | 2xx | req/s | p50 ms | p95 ms | p99 ms | max ms | non-2xx |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|',
    ...report.phases.flatMap((phase) => phase.endpoints.map((e) => endpointRow(phase, e))),
    `| pgbench TPC-B (${pg.command.replace(' <db>', '')}, scale ${pg.scale}) | transaction | ${pg.transactions} | ${pg.tps.toFixed(1)} | ${pg.latencyMs.p50} | ${pg.latencyMs.p95} | ${pg.latencyMs.p99} | ${pg.latencyMs.max} | ${pg.failedTransactions} |`,
    '',
    `Executes/s ÷ pgbench TPS: ${report.executesPerSecond} / ${pg.tps.toFixed(1)} = ${(report.executesPerPgbenchTransaction * 100).toFixed(1)} % (aim ≥ 25 %: ${yesNo(v.executeRatioAtLeast25Percent)}).`,
    `${s.connections} paced users (${s.userRequestsPerSecond} request/s each, the flow with think time): p95 < 120 ms on every endpoint: ${yesNo(v.p95Under120Ms)}; p99 < 50 ms: ${yesNo(v.p99Under50Ms)}.`,
    `Full flow at ${s.connections} connections with no think time (saturation): p95 < 120 ms: ${yesNo(v.saturatedP95Under120Ms)}.`,
    '',
    'CPU time per successful request (from /proc: the server process, the PostgreSQL backends of the benchmark database, the load generator):',
    '',
    '| phase | 2xx | server CPU ms | PostgreSQL CPU ms | load generator CPU ms |',
    '|---|--:|--:|--:|--:|',
    ...report.phases.map(cpuRow),
    `| pgbench | ${pg.transactions} | – | ${pg.postgresCpuMsPerTransaction ?? '–'} | – |`,
    '',
    v.valid ? 'Errors: 0 connection errors, 0 timeouts, 0 non-2xx responses.' : `INVALID RUN: ${v.problems.join('; ')}`,
    ...v.notes.map((note) => `Note: ${note}.`),
  ];
  return lines.join('\n');
}
