import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerOptions {
  repoRoot: string;
  databaseUrl: string;
  poolSize: number;
  dataDir: string;
  /** Extra flags for node, e.g. --cpu-prof, from BENCH_SERVER_NODE_ARGS. */
  nodeArgs: string[];
}

export interface RunningServer {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_TAIL_CHARS = 4_000;

export async function findFreePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

export function keepOutputTail(child: ChildProcess): () => string {
  let tail = '';
  const append = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => tail;
}

async function waitUntilReady(baseUrl: string, child: ChildProcess, outputTail: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before it was ready:\n${outputTail()}`);
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`server not ready after ${READY_TIMEOUT_MS / 1000} s:\n${outputTail()}`);
}

/** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Starts the real server (API role only) as a child process on PostgreSQL and waits for /readyz. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = await findFreePort();
  const child = spawn(process.execPath, [...options.nodeArgs, '--import', 'tsx', 'apps/server/src/main.ts', '--role=api'], {
    cwd: options.repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      DATABASE_POOL_SIZE: String(options.poolSize),
      FRAMEOS_DATA_DIR: options.dataDir,
      LOG_LEVEL: 'warn',
      // All load comes from one IP and a few keys: the limits would measure themselves, not the gateway.
      RATE_LIMIT_PER_MINUTE: '100000000',
      IP_RATE_LIMIT_PER_MINUTE: '100000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const outputTail = keepOutputTail(child);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(baseUrl, child, outputTail);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  if (child.pid === undefined) throw new Error('server process has no pid');
  return { baseUrl, pid: child.pid, stop: () => stopChild(child) };
}
