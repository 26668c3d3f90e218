import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { keepOutputTail, stopChild } from './server.ts';

export interface WorkerOptions {
  repoRoot: string;
  databaseUrl: string;
  poolSize: number;
  /** The API process's FRAMEOS_DATA_DIR, so both share the generated development secrets. */
  dataDir: string;
  /** WEBHOOK_DELIVERY_POLL_MS: how long the delivery loop sleeps when it found less than a full batch. */
  pollMs: number;
  nodeArgs: string[];
}

export interface RunningWorker {
  pid: number;
  /** Throws (with the end of its output) if the process has exited. */
  assertRunning(): void;
  stop(): Promise<void>;
}


/**
 * Starts the real server in its worker role (`--role=worker`: the webhook delivery loop, reconciliation,
 * integrity check, idempotency sweep) as a child process. It serves no HTTP, so there is nothing to
 * wait for here: the caller knows it is up when the first delivery arrives. It gets no rail settings
 * (nothing it would reconcile belongs to this measurement) and reconciles once at start only.
 */
export async function startWorkerProcess(options: WorkerOptions): Promise<RunningWorker> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: options.databaseUrl,
    DATABASE_POOL_SIZE: String(options.poolSize),
    FRAMEOS_DATA_DIR: options.dataDir,
    LOG_LEVEL: 'warn',
    WEBHOOK_DELIVERY_POLL_MS: String(options.pollMs),
    RECONCILIATION_INTERVAL_MINUTES: String(24 * 60),
  };
  for (const name of Object.keys(env)) if (name.startsWith('STRIPE_') || name.startsWith('CASHFREE_') || name.startsWith('X402_')) delete env[name];
  const child = spawn(process.execPath, [...options.nodeArgs, '--import', 'tsx', 'apps/server/src/main.ts', '--role=worker'], {
    cwd: options.repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = keepOutputTail(child);
  await Promise.race([once(child, 'spawn'), once(child, 'error').then(([err]) => Promise.reject(err as Error))]);
  if (child.pid === undefined) throw new Error('worker process has no pid');
  const stop = () => stopChild(child);
  return {
    pid: child.pid,
    assertRunning: () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`worker exited (${child.exitCode ?? child.signalCode}):\n${tail()}`);
    },
    stop,
  };
}
