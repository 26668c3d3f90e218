import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import pg from 'pg';

/**
 * CPU time spent by each side while some work ran. On a shared machine latency depends on what
 * else runs; CPU milliseconds per request much less so, which is why they say where the time goes.
 */
export interface CpuUsage {
  /** The server process, when there is one. */
  serverMs: number;
  /** PostgreSQL backends connected to the measured database (read from /proc: PostgreSQL must run on this machine). */
  postgresMs: number;
  /** This process: autocannon, or nothing much while pgbench runs. */
  loadGeneratorMs: number;
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/** Backends come and go (pgbench's end with it), so they are sampled while the work runs. */
const SAMPLE_INTERVAL_MS = 250;

/** utime + stime from /proc/<pid>/stat (fields 14 and 15; counted after the parenthesised name). */
async function processCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** CPU of each backend of one database: what it had when first seen (0 if it started meanwhile) and when last seen. */
class BackendCpu {
  private readonly seen = new Map<number, { first: number; last: number }>();
  private started = false;

  constructor(private readonly client: pg.Client, private readonly database: string) {}

  async sample(): Promise<void> {
    const result = await this.client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [this.database]);
    for (const { pid } of result.rows) {
      const ms = await processCpuMs(pid);
      if (ms === undefined) continue;
      const known = this.seen.get(pid);
      this.seen.set(pid, { first: known?.first ?? (this.started ? 0 : ms), last: ms });
    }
    this.started = true;
  }

  totalMs(): number {
    let total = 0;
    for (const { first, last } of this.seen.values()) total += last - first;
    return total;
  }
}

export class CpuMeter {
  constructor(
    private readonly adminUrl: string,
    private readonly database: string,
    private readonly serverPid?: number,
  ) {}

  private serverCpuMs = async () => (this.serverPid === undefined ? 0 : ((await processCpuMs(this.serverPid)) ?? 0));

  async measure<T>(work: () => Promise<T>): Promise<{ result: T; cpu: CpuUsage }> {
    const client = new pg.Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      const backends = new BackendCpu(client, this.database);
      await backends.sample();
      const [serverBefore, ownBefore] = [await this.serverCpuMs(), ownCpuMs()];
      let sampling = Promise.resolve();
      const timer = setInterval(() => {
        sampling = sampling.then(() => backends.sample()).catch(() => undefined);
      }, SAMPLE_INTERVAL_MS);
      let result: T;
      try {
        result = await work();
      } finally {
        clearInterval(timer);
        await sampling;
      }
      const [serverAfter, ownAfter] = [await this.serverCpuMs(), ownCpuMs()];
      await backends.sample();
      return { result, cpu: { serverMs: Math.round(serverAfter - serverBefore), postgresMs: Math.round(backends.totalMs()), loadGeneratorMs: Math.round(ownAfter - ownBefore) } };
    } finally {
      await client.end();
    }
  }
}
