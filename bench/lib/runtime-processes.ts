import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort, keepOutputTail, stopChild } from './server.ts';

/** One FrameOS process the runtime benchmark started: the API, a worker, or both roles in one. */
export interface RuntimeProcess {
  role: 'all' | 'api' | 'worker';
  pid: number;
  /** Set for the roles that serve HTTP. */
  baseUrl: string | null;
  /** Throws (with the end of its output) if the process has exited. */
  assertRunning(): void;
  /** The last few KiB of its stdout and stderr (LOG_LEVEL=warn: its warnings and errors). */
  outputTail(): string;
  stop(): Promise<void>;
}

export interface RuntimeProcessOptions {
  repoRoot: string;
  role: 'all' | 'api' | 'worker';
  /** Unset: embedded PGlite under dataDir (what `npm start` does with no DATABASE_URL). */
  databaseUrl: string | null;
  dataDir: string;
  /** Everything else the process gets (RUNTIME_CONCURRENCY, EXECUTION_POLL_MS, …), on top of this process's environment. */
  env: Record<string, string>;
  nodeArgs: string[];
}

const READY_TIMEOUT_MS = 90_000;

/** Starts `apps/server/src/main.ts --role=<role>` as `npm start` would, and waits for /readyz when it serves HTTP. */
export async function startRuntimeProcess(options: RuntimeProcessOptions): Promise<RuntimeProcess> {
  const port = options.role === 'worker' ? 0 : await findFreePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    FRAMEOS_DATA_DIR: options.dataDir,
    LOG_LEVEL: 'warn',
    // All load comes from one IP and a few keys: the limits would measure themselves, not the runtime.
    RATE_LIMIT_PER_MINUTE: '100000000',
    IP_RATE_LIMIT_PER_MINUTE: '100000000',
    SEED_DEMO_DATA: 'false',
    RECONCILIATION_INTERVAL_MINUTES: String(24 * 60),
    ...options.env,
  };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  for (const name of Object.keys(env)) if (name.startsWith('STRIPE_') || name.startsWith('CASHFREE_') || name.startsWith('X402_')) delete env[name];
  const child = spawn(process.execPath, [...options.nodeArgs, '--import', 'tsx', 'apps/server/src/main.ts', `--role=${options.role}`], {
    cwd: options.repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = keepOutputTail(child);
  if (child.pid === undefined) throw new Error(`${options.role} process has no pid`);
  const assertRunning = () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${options.role} process exited (${child.exitCode ?? child.signalCode}):\n${tail()}`);
  };
  const running: RuntimeProcess = { role: options.role, pid: child.pid, baseUrl: null, assertRunning, outputTail: tail, stop: () => stopChild(child) };
  if (options.role === 'worker') return running;
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      assertRunning();
      if (Date.now() > deadline) throw new Error(`${options.role} process not ready after ${READY_TIMEOUT_MS / 1000} s:\n${tail()}`);
    } catch (err) {
      await stopChild(child);
      throw err;
    }
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  return { ...running, baseUrl };
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const PAGE_BYTES = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;

/** utime + stime of a live process, from /proc/<pid>/stat. */
export async function processCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Resident set size in MiB, from /proc/<pid>/statm. */
export async function processRssMiB(pid: number): Promise<number | undefined> {
  try {
    const pages = Number((await readFile(`/proc/${pid}/statm`, 'utf8')).split(' ')[1]);
    return Math.round(((pages * PAGE_BYTES) / 1024 ** 2) * 10) / 10;
  } catch {
    return undefined;
  }
}

/** The live child processes of a process (the sandbox pool's children of a worker). */
export async function childPids(pid: number): Promise<number[]> {
  const pids: number[] = [];
  try {
    for (const task of await readdir(`/proc/${pid}/task`)) {
      const text = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
      pids.push(...text.split(' ').filter(Boolean).map(Number));
    }
  } catch {
    // gone
  }
  return pids;
}

/** RSS of one process and of each of its children. */
export interface TreeMemory {
  processMiB: number;
  childrenMiB: number[];
  totalMiB: number;
}

export async function treeMemory(pid: number): Promise<TreeMemory> {
  const processMiB = (await processRssMiB(pid)) ?? 0;
  const childrenMiB: number[] = [];
  for (const child of await childPids(pid)) childrenMiB.push((await processRssMiB(child)) ?? 0);
  const totalMiB = Math.round((processMiB + childrenMiB.reduce((a, b) => a + b, 0)) * 10) / 10;
  return { processMiB, childrenMiB, totalMiB };
}

/**
 * CPU of a set of process trees (each FrameOS process and its sandbox children) over a window. The
 * children are sampled while the window runs, so one that is respawned meanwhile still counts up to
 * its last sample; a process that started meanwhile counts from 0.
 */
export class TreeCpu {
  private readonly seen = new Map<number, { root: number; first: number; last: number }>();
  private started = false;

  constructor(private readonly roots: number[]) {}

  async sample(): Promise<void> {
    for (const root of this.roots) {
      for (const pid of [root, ...(await childPids(root))]) {
        const ms = await processCpuMs(pid);
        if (ms === undefined) continue;
        const known = this.seen.get(pid);
        this.seen.set(pid, { root, first: known?.first ?? (this.started ? 0 : ms), last: ms });
      }
    }
    this.started = true;
  }

  /** CPU ms per root: the process itself and its children separately. */
  totals(): Map<number, { ownMs: number; childrenMs: number }> {
    const out = new Map<number, { ownMs: number; childrenMs: number }>();
    for (const root of this.roots) out.set(root, { ownMs: 0, childrenMs: 0 });
    for (const [pid, { root, first, last }] of this.seen) {
      const entry = out.get(root)!;
      if (pid === root) entry.ownMs += last - first;
      else entry.childrenMs += last - first;
    }
    return out;
  }
}
