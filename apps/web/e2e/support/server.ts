/**
 * A real FrameOS server process for the browser E2E suite and `npm run bench:web`: `npm start`'s
 * entry point on a fresh embedded database (a temp FRAMEOS_DATA_DIR), a free port, NODE_ENV=development
 * so the demo data and the demo platform admin exist. The web app is built first when stale.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'];
export const DEMO = { email: 'demo@frameos.dev', password: 'frameos-demo-password' } as const;

export interface RunningServer {
  baseUrl: string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** `npm run build:web` when apps/web/dist is missing or older than its sources (scripts/ensure-web-build.ts). */
export function ensureWebBuild(): void {
  // NODE_ENV=production: under vitest it is "test", and Vite would then bundle React's development
  // build (jsx-dev-runtime, about 600 kB instead of 400 kB) into apps/web/dist for everyone.
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/ensure-web-build.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (built.status !== 0) throw new Error('the web app did not build (scripts/ensure-web-build.ts)');
}

export async function startServer(options: { log?: boolean } = {}): Promise<RunningServer> {
  ensureWebBuild();
  const dataDir = mkdtempSync(join(tmpdir(), 'frameos-e2e-'));
  const port = await freePort();
  // The embedded database in the temp directory, whatever the caller's shell points at.
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...inherited } = process.env;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...inherited,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      FRAMEOS_DATA_DIR: dataDir,
      LOG_LEVEL: options.log ? 'info' : 'warn',
      LOG_FORMAT: 'json',
      // Many sign-ups and log-ins from one address in a few seconds.
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
      // A cheaper password hash (2^10; production's 2^15 is checked by apps/server/test/config.test.ts).
      PASSWORD_SCRYPT_N: '1024',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /readyz in 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    baseUrl,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
