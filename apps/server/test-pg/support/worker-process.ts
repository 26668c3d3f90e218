import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER_ENTRY = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface WorkerProcess {
  /** SIGKILL: the process dies at once, mid-whatever, as in a crash. */
  kill: () => Promise<void>;
  stop: () => Promise<void>;
  output: () => string;
}

/** Starts a real FrameOS worker process (`--role=worker`: webhook delivery, reconciliation, integrity). */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY, '--role=worker'], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', SEED_DEMO_DATA: 'false', PASSWORD_SCRYPT_N: '1024', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return { kill: () => end('SIGKILL'), stop: () => end('SIGTERM'), output: () => output };
}
