import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { summarizeLatencies, type LatencySummary } from './load.ts';

const run = promisify(execFile);

export interface PgbenchOptions {
  databaseUrl: string;
  scale: number;
  clients: number;
  threads: number;
  durationSeconds: number;
}

export interface PgbenchResult {
  command: string;
  clients: number;
  threads: number;
  scale: number;
  durationSeconds: number;
  transactions: number;
  failedTransactions: number;
  tps: number;
  latencyMs: LatencySummary;
  /** Filled in by the caller, which measures the backends while pgbench runs. */
  postgresCpuMsPerTransaction?: number;
}

function numberAfter(output: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(output);
  if (!match?.[1]) throw new Error(`pgbench output has no ${what}:\n${output}`);
  return Number(match[1]);
}

/** PostgreSQL 15+ prints the failed count; older pgbench aborts the client instead. */
function failedTransactions(output: string): number {
  return Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
}

/** With --log, each line is: client_id transaction_no time_us script_no epoch epoch_us. */
async function readTransactionLatencies(logDir: string): Promise<number[]> {
  const latencies: number[] = [];
  for (const file of await readdir(logDir)) {
    for (const line of (await readFile(join(logDir, file), 'utf8')).split('\n')) {
      const micros = Number(line.split(' ')[2]);
      if (line !== '' && Number.isFinite(micros)) latencies.push(micros / 1000);
    }
  }
  return latencies;
}

export async function initialisePgbench(databaseUrl: string, scale: number): Promise<void> {
  await run('pgbench', ['-i', '-q', '-s', String(scale), databaseUrl], { maxBuffer: 16 * 1024 * 1024 });
}

/** TPC-B-like built-in script with prepared statements; latencies from the per-transaction log. */
export async function runPgbench(options: PgbenchOptions): Promise<PgbenchResult> {
  const logDir = await mkdtemp(join(tmpdir(), 'frameos-pgbench-'));
  try {
    const args = ['-c', String(options.clients), '-j', String(options.threads), '-T', String(options.durationSeconds), '-M', 'prepared', '-l', `--log-prefix=${join(logDir, 'tx')}`];
    const { stdout } = await run('pgbench', [...args, options.databaseUrl], { maxBuffer: 16 * 1024 * 1024 });
    const latencies = await readTransactionLatencies(logDir);
    return {
      command: `pgbench ${args.filter((a) => !a.startsWith('--log-prefix')).join(' ')} <db>`,
      clients: options.clients,
      threads: options.threads,
      scale: options.scale,
      durationSeconds: options.durationSeconds,
      transactions: numberAfter(stdout, /number of transactions actually processed: (\d+)/, 'transaction count'),
      failedTransactions: failedTransactions(stdout),
      tps: numberAfter(stdout, /tps = ([\d.]+)/, 'tps'),
      latencyMs: summarizeLatencies(latencies),
    };
  } finally {
    await rm(logDir, { recursive: true, force: true });
  }
}
