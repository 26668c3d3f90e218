import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningSeed } from '@frameos/domain';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import type { DestinationStream } from 'pino';
import { loadConfig, type Config } from '../../src/config.ts';
import { createAppContext } from '../../src/bootstrap.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { AppContext } from '../../src/context.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import { createTestDatabase } from './test-database.ts';
import { addContractChecks } from './contract-checks.ts';

export interface TestClock {
  now: () => Date;
  set: (d: Date) => void;
  advance: (ms: number) => void;
}

export function testClock(start = new Date()): TestClock {
  let current = start.getTime();
  return { now: () => new Date(current), set: (d) => (current = d.getTime()), advance: (ms) => (current += ms) };
}

export interface TestApp {
  app: App;
  appCtx: AppContext;
  clock: TestClock;
  request: (method: string, url: string, options?: RequestOptions) => Promise<TestResponse>;
  close: () => Promise<void>;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Defaults to a fresh random key on POST; pass null to send none. */
  idempotencyKey?: string | null;
  headers?: Record<string, string>;
  rawBody?: string;
  ip?: string;
}

export interface TestResponse {
  status: number;
  headers: LightMyRequestResponse['headers'];
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test responses are inspected field by field
  text: string;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: TestClock;
  /** Where log lines go (set LOG_LEVEL in env too; tests run silent by default). */
  log?: DestinationStream;
  /** Run a second app (another "process") on the database of an existing one; closing it leaves the database alone. */
  sharedWith?: TestApp;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const shared = options.sharedWith?.appCtx.database;
  const testDb = shared ? { database: shared, drop: async () => undefined } : await createTestDatabase();
  // Each app keeps its files (blobs) in a temp data dir of its own; a second "process" shares the first's.
  const ownDataDir = options.sharedWith || options.env?.FRAMEOS_DATA_DIR ? null : await mkdtemp(join(tmpdir(), 'frameos-test-'));
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    FRAMEOS_DATA_DIR: options.sharedWith?.appCtx.config.dataDir ?? ownDataDir ?? './data',
    MANDATE_SIGN_KEY: generateSigningSeed(),
    JWT_SECRET: `test-secret-${randomUUID()}-${randomUUID()}`,
    SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    // Rail webhooks from every test share one IP (and, with REDIS_URL, one counter); tests of the limit set their own.
    RAIL_WEBHOOK_RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: 'silent',
    // scrypt at 2^10 instead of 2^15: a signup or login costs ~7 ms instead of ~220 ms of CPU
    // (config.test.ts checks the default). Production mode refuses it, so its apps keep 2^15.
    ...(options.env?.NODE_ENV === 'production' ? {} : { PASSWORD_SCRYPT_N: '1024' }),
    // CI runs the suite a second time with rate limits kept in Redis.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...options.env,
  });
  const clock = options.clock ?? testClock();
  const appCtx = await createAppContext(config, { database: testDb.database, clock: clock.now, log: createLogger(config.logLevel, options.log) });
  const app = await buildApp(appCtx);
  const contractProblem = addContractChecks(app, appCtx);
  await app.ready();

  const request = async (method: string, url: string, opts: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (method === 'POST' && opts.idempotencyKey !== null) headers['idempotency-key'] = opts.idempotencyKey ?? randomUUID();
    let payload: string | undefined;
    if (opts.rawBody !== undefined) payload = opts.rawBody;
    else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await app.inject({ method: method as 'GET', url, headers, payload, remoteAddress: opts.ip ?? '127.0.0.1' });
    let body: unknown = undefined;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      body = undefined;
    }
    const problem = contractProblem(String(res.headers['x-request-id'] ?? ''));
    if (problem) throw new Error(problem);
    return { status: res.statusCode, headers: res.headers, body, text: res.body };
  };

  return {
    app,
    appCtx,
    clock,
    request,
    close: async () => {
      await app.close();
      await testDb.drop();
      if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One app for the tests of the enclosing describe block (or file): registers a beforeAll that starts
 * it and an afterAll that closes it, and returns a handle to use inside hooks and tests. `options`
 * may be a function, called in the beforeAll, when they depend on something an earlier beforeAll
 * sets up (a fake rail's URL). Hooks run in the order they are registered and afterAll hooks in
 * reverse (vitest's `sequence.hooks: 'stack'`), so a beforeAll declared after this line can use the
 * app, and an afterAll declared after it runs while the app is still open.
 *
 *   const t = useTestApp({ env: { NODE_ENV: 'production' } });
 *   beforeAll(async () => { org = await signupOrg(t); });
 */
export function useTestApp(options: TestAppOptions | (() => TestAppOptions) = {}): TestApp {
  let current: TestApp | undefined;
  const started = (): TestApp => {
    if (!current) throw new Error('useTestApp: the app is started in beforeAll and closed in afterAll; use it inside hooks and tests');
    return current;
  };
  const close = async () => {
    const app = current;
    current = undefined;
    await app?.close();
  };
  beforeAll(async () => {
    current = await startTestApp(typeof options === 'function' ? options() : options);
  });
  afterAll(close);
  return {
    get app() {
      return started().app;
    },
    get appCtx() {
      return started().appCtx;
    },
    get clock() {
      return started().clock;
    },
    request: (method, url, opts) => started().request(method, url, opts),
    close,
  };
}
