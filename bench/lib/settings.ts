/** Everything the benchmark can be tuned with, read once from the environment. */
export interface BenchSettings {
  /** Server that hosts the throw-away databases (the user must be allowed to CREATE DATABASE). */
  adminDatabaseUrl: string;
  durationSeconds: number;
  connections: number;
  /** Agent accounts, each with its own wallet, policy and receipt chain; connection i acts as agent i mod agents. */
  agents: number;
  /** Ledger vendors the agents pay; each one has a single payable account that every execute to it updates. */
  vendors: number;
  /** DATABASE_POOL_SIZE of the server under test (its own default is 20). */
  serverPoolSize: number;
  pgbenchScale: number;
  /** Requests per second each user sends in the paced phase (think time = 1 / rate). */
  userRequestsPerSecond: number;
  paymentAmount: number;
  currency: string;
}

export function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function readSettings(): BenchSettings {
  return {
    adminDatabaseUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
    durationSeconds: positiveInteger('BENCH_DURATION_SECONDS', 20),
    connections: positiveInteger('BENCH_CONNECTIONS', 100),
    agents: positiveInteger('BENCH_AGENTS', 100),
    vendors: positiveInteger('BENCH_VENDORS', 1),
    serverPoolSize: positiveInteger('BENCH_POOL_SIZE', 20),
    pgbenchScale: positiveInteger('BENCH_PGBENCH_SCALE', 10),
    userRequestsPerSecond: positiveInteger('BENCH_USER_REQUESTS_PER_SECOND', 1),
    paymentAmount: 100,
    currency: 'USD',
  };
}
