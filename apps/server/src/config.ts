import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { generateSigningSeed, isStrongSeed } from '@frameos/domain';

/** The only module that reads process.env. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().optional(),
  FRAMEOS_DATA_DIR: z.string().default('./data'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  REDIS_URL: z.string().optional(),
  MANDATE_SIGN_KEY: z.string().optional(),
  JWT_SECRET: z.string().optional(),
  ALLOWED_ORIGINS: z.string().default(''),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(6000),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(30),
  IP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(20000),
  RAIL_WEBHOOK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  SEED_DEMO_DATA: z.enum(['true', 'false']).optional(),
  INTEGRITY_CHECK_INTERVAL_HOURS: z.coerce.number().positive().max(24 * 7).default(24),
  RAIL_TIMEOUT_MS: z.coerce.number().int().positive().max(120_000).default(10_000),
  PASSWORD_SCRYPT_N: z.coerce.number().int().min(1024).max(1_048_576).refine((n) => (n & (n - 1)) === 0, 'must be a power of two').default(32768),
  RAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  RAIL_RETRY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(200),
  WEBHOOK_DELIVERY_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(10_000),
  WEBHOOK_DELIVERY_LEASE_SECONDS: z.coerce.number().int().positive().max(3_600).default(60),
  WEBHOOK_DELIVERY_POLL_MS: z.coerce.number().int().positive().max(60_000).default(500),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PLATFORM_ADMIN_EMAILS: z.string().default(''),
  RECONCILIATION_INTERVAL_MINUTES: z.coerce.number().positive().max(24 * 60).default(5),
  STRIPE_SECRET_KEY: z.string().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  STRIPE_API_BASE_URL: z.string().url().optional(),
  CASHFREE_CLIENT_ID: z.string().optional(),
  CASHFREE_CLIENT_SECRET: z.string().optional(),
  CASHFREE_ENV: z.enum(['sandbox', 'production']).optional(),
  CASHFREE_API_BASE_URL: z.string().url().optional(),
  X402_WALLET_PRIVATE_KEY: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 0x-prefixed 32-byte hex private key').optional(),
  X402_NETWORK: z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9-]+$/, 'must be a CAIP-2 network id such as eip155:8453').optional(),
  X402_RPC_URL: z.string().url().optional(),
  SECRETS_ENCRYPTION_KEY: z.string().optional(),
  PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(2000),
  RUNTIME_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(16),
  RUNTIME_MAX_TIMEOUT_MS: z.coerce.number().int().positive().max(300_000).default(300_000),
  RUNTIME_MAX_MEMORY_MB: z.coerce.number().int().positive().max(2_048).default(256),
  RUNTIME_ALLOW_PRIVATE_NETWORKS: z.enum(['0', '1']).default('0'),
  EXECUTION_LEASE_SECONDS: z.coerce.number().int().min(2).max(3_600).default(30),
  EXECUTION_POLL_MS: z.coerce.number().int().positive().max(60_000).default(100),
  SMTP_URL: z.string().url().optional(),
  SMTP_FROM: z.string().optional(),
  BROWSER_EXECUTABLE_PATH: z.string().min(1).default('/usr/bin/chromium'),
  WEB_DIST_DIR: z.string().optional(),
});

export interface Config {
  env: 'development' | 'test' | 'production';
  /** scrypt's cost parameter for new password hashes (PASSWORD_SCRYPT_N). */
  passwordScryptN: number;
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  databasePoolSize: number;
  redisUrl: string | undefined;
  mandateSignKey: string;
  jwtSecret: string;
  allowedOrigins: string[];
  rateLimitPerMinute: number;
  authRateLimitPerMinute: number;
  ipRateLimitPerMinute: number;
  railWebhookRateLimitPerMinute: number;
  logLevel: string;
  /** auto: human-readable in development on a terminal, JSON everywhere else. */
  logFormat: 'auto' | 'json' | 'pretty';
  trustProxy: boolean;
  /** Seed demo data at start: on by default outside production, never in production. */
  seedDemoData: boolean;
  /** How often the worker verifies every receipt chain (default daily; it also runs at start). */
  integrityCheckIntervalMs: number;
  /** Timeouts, retries and circuit breaking around every rail call (docs/rails.md). */
  railResilience: ResilienceOptions;
  webhookDelivery: { timeoutMs: number; leaseMs: number; pollMs: number };
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  /** Users who review marketplace agents (lowercase); in development the demo user is one of them. */
  platformAdminEmails: string[];
  /** How often the worker asks each rail about payments still pending. */
  reconciliationIntervalMs: number;
  /** Operator-level rail settings; a rail none of whose settings are set is null (not configured). */
  rails: RailsConfig;
  /** AES-256-GCM key (32 bytes) sealing deployment secrets at rest. */
  secretsEncryptionKey: Buffer;
  /** The platform's share of each marketplace capture, in basis points (2000 = 20 %). */
  platformFeeBps: number;
  runtime: RuntimeConfig;
  /** The built web app (apps/web/dist) served at /app/; when it has no index.html, /app answers that it is not built. */
  webDistDir: string;
}

/** The execution worker and its sandbox (docs/agents.md). */
export interface RuntimeConfig {
  /** Executions one worker process runs at once. */
  concurrency: number;
  /** Caps on what a manifest may ask for. */
  maxTimeoutMs: number;
  maxMemoryMb: number;
  /** Lets ctx.fetch reach private and loopback addresses: for tests against local provider servers only. */
  allowPrivateNetworks: boolean;
  leaseMs: number;
  pollMs: number;
  smtp: { url: string; from: string } | null;
  /** The Chromium that ctx.browser drives (launched on first use; a missing file is reported then, as browser_unavailable). */
  browserExecutablePath: string;
}

/** Timeouts, retries and circuit breaking around every rail call (docs/rails.md); the rails read them from here. */
export interface ResilienceOptions {
  /** Per attempt; the provider call is aborted when it passes. */
  timeoutMs: number;
  /** Attempts in all, including the first. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Consecutive transient failures that open the circuit, and how long it stays open. */
  breakerThreshold: number;
  breakerHalfOpenAfterMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  timeoutMs: 10_000,
  maxAttempts: 3,
  initialBackoffMs: 200,
  maxBackoffMs: 2_000,
  breakerThreshold: 5,
  breakerHalfOpenAfterMs: 30_000,
};

export interface StripeRailConfig { secretKey: string; webhookSecret: string; apiBaseUrl: string | null }
export interface CashfreeRailConfig { clientId: string; clientSecret: string; env: 'sandbox' | 'production'; apiBaseUrl: string }
/** No facilitator URL: in x402 v2 the payer never talks to a facilitator, the vendor's resource server does. */
export interface X402RailConfig { walletPrivateKey: `0x${string}`; network: string; rpcUrl: string | null }
export interface RailsConfig {
  stripe: StripeRailConfig | null;
  cashfree: CashfreeRailConfig | null;
  x402: X402RailConfig | null;
}

const CASHFREE_BASE_URLS = { sandbox: 'https://sandbox.cashfree.com/pg', production: 'https://api.cashfree.com/pg' } as const;

type Env = z.infer<typeof EnvSchema>;
type RailVariable = keyof Env & `${'STRIPE' | 'CASHFREE' | 'X402'}_${string}`;

/**
 * Each rail's variables (docs/rails.md). A rail none of whose variables is set is off; once any is set,
 * every `required` one must be too, or start-up stops naming what is missing: a half-configured rail is
 * an operator's mistake, not a rail to leave silently off (or, for Stripe, silently without webhooks).
 */
export const RAIL_VARIABLES = {
  stripe: { label: 'Stripe', required: ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'], optional: ['STRIPE_API_BASE_URL'] },
  cashfree: { label: 'Cashfree', required: ['CASHFREE_CLIENT_ID', 'CASHFREE_CLIENT_SECRET'], optional: ['CASHFREE_ENV', 'CASHFREE_API_BASE_URL'] },
  x402: { label: 'x402', required: ['X402_WALLET_PRIVATE_KEY', 'X402_NETWORK'], optional: ['X402_RPC_URL'] },
} as const satisfies Record<keyof RailsConfig, { label: string; required: readonly RailVariable[]; optional: readonly RailVariable[] }>;

/** An empty value counts as unset, as in a `.env` line `NAME=`. */
const isSet = (value: string | undefined): value is string => value !== undefined && value !== '';

/** Which rails to configure; throws naming the missing variables of every rail that is only partly set. */
function configuredRails(e: Env): Record<keyof RailsConfig, boolean> {
  const problems: string[] = [];
  const configured = {} as Record<keyof RailsConfig, boolean>;
  for (const [rail, { label, required, optional }] of Object.entries(RAIL_VARIABLES) as Array<[keyof RailsConfig, (typeof RAIL_VARIABLES)[keyof RailsConfig]]>) {
    const present = [...required, ...optional].filter((name) => isSet(e[name]));
    const missing = required.filter((name) => !isSet(e[name]));
    configured[rail] = present.length > 0;
    if (present.length > 0 && missing.length > 0) {
      problems.push(`The ${label} rail is half-configured (${present.join(', ')} set): ${missing.map((name) => `${name} is missing`).join(', ')}. Set ${required.join(' and ')}, or none of them.`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join(' '));
  return configured;
}

function railsConfig(e: Env): RailsConfig {
  const on = configuredRails(e);
  const cashfreeEnv = e.CASHFREE_ENV ?? 'sandbox';
  return {
    stripe: on.stripe ? { secretKey: e.STRIPE_SECRET_KEY!, webhookSecret: e.STRIPE_WEBHOOK_SECRET!, apiBaseUrl: e.STRIPE_API_BASE_URL ?? null } : null,
    cashfree: on.cashfree
      ? { clientId: e.CASHFREE_CLIENT_ID!, clientSecret: e.CASHFREE_CLIENT_SECRET!, env: cashfreeEnv, apiBaseUrl: e.CASHFREE_API_BASE_URL ?? CASHFREE_BASE_URLS[cashfreeEnv] }
      : null,
    x402: on.x402 ? { walletPrivateKey: e.X402_WALLET_PRIVATE_KEY as `0x${string}`, network: e.X402_NETWORK!, rpcUrl: e.X402_RPC_URL ?? null } : null,
  };
}

/** The demo user the development seed signs up (seed/demo-seed.ts DEMO_EMAIL; a test keeps the two equal). */
export const DEMO_USER_EMAIL = 'demo@frameos.dev';

/**
 * PLATFORM_ADMIN_EMAILS, comma-separated, compared in lowercase. Outside production the demo user is
 * one too: the demo seed (development and tests) approves the demo agents as that user.
 */
/** scrypt's N for new password hashes: never below 2^15 in production (only tests lower it, for speed). */
function passwordScryptN(nodeEnv: Env['NODE_ENV'], n: number): number {
  if (nodeEnv === 'production' && n < 32768) throw new ConfigError('PASSWORD_SCRYPT_N must be at least 32768 in production');
  return n;
}

function platformAdminEmails(nodeEnv: Env['NODE_ENV'], list: string): string[] {
  const emails = list.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);
  if (nodeEnv !== 'production' && !emails.includes(DEMO_USER_EMAIL)) emails.push(DEMO_USER_EMAIL);
  return emails;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface StoredSecrets {
  MANDATE_SIGN_KEY?: string;
  JWT_SECRET?: string;
  SECRETS_ENCRYPTION_KEY?: string;
}

const MIN_JWT_SECRET_LENGTH = 32;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const e = parsed.data;
  // An in-memory database forgets every mandate at exit, so its generated secrets need not outlive the process.
  const secretsDir = e.DATABASE_URL === 'memory://' ? null : e.FRAMEOS_DATA_DIR;
  const secrets = resolveSecrets(e.NODE_ENV, secretsDir, e.MANDATE_SIGN_KEY, e.JWT_SECRET, e.SECRETS_ENCRYPTION_KEY);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL || undefined,
    dataDir: e.FRAMEOS_DATA_DIR,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL || undefined,
    mandateSignKey: secrets.mandateSignKey,
    jwtSecret: secrets.jwtSecret,
    allowedOrigins: e.ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    ipRateLimitPerMinute: e.IP_RATE_LIMIT_PER_MINUTE,
    railWebhookRateLimitPerMinute: e.RAIL_WEBHOOK_RATE_LIMIT_PER_MINUTE,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    trustProxy: e.TRUST_PROXY === 'true',
    seedDemoData: e.NODE_ENV !== 'production' && (e.SEED_DEMO_DATA ?? 'true') === 'true',
    integrityCheckIntervalMs: Math.round(e.INTEGRITY_CHECK_INTERVAL_HOURS * 3_600_000),
    passwordScryptN: passwordScryptN(e.NODE_ENV, e.PASSWORD_SCRYPT_N),
    railResilience: {
      ...DEFAULT_RESILIENCE,
      timeoutMs: e.RAIL_TIMEOUT_MS,
      maxAttempts: e.RAIL_MAX_ATTEMPTS,
      initialBackoffMs: e.RAIL_RETRY_BASE_MS,
      maxBackoffMs: Math.max(e.RAIL_RETRY_BASE_MS, DEFAULT_RESILIENCE.maxBackoffMs),
    },
    webhookDelivery: { timeoutMs: e.WEBHOOK_DELIVERY_TIMEOUT_MS, leaseMs: e.WEBHOOK_DELIVERY_LEASE_SECONDS * 1000, pollMs: e.WEBHOOK_DELIVERY_POLL_MS },
    metricsToken: e.METRICS_TOKEN ?? null,
    platformAdminEmails: platformAdminEmails(e.NODE_ENV, e.PLATFORM_ADMIN_EMAILS),
    reconciliationIntervalMs: Math.round(e.RECONCILIATION_INTERVAL_MINUTES * 60_000),
    rails: railsConfig(e),
    secretsEncryptionKey: secrets.secretsEncryptionKey,
    platformFeeBps: e.PLATFORM_FEE_BPS,
    runtime: {
      concurrency: e.RUNTIME_CONCURRENCY,
      maxTimeoutMs: e.RUNTIME_MAX_TIMEOUT_MS,
      maxMemoryMb: e.RUNTIME_MAX_MEMORY_MB,
      allowPrivateNetworks: e.RUNTIME_ALLOW_PRIVATE_NETWORKS === '1',
      leaseMs: e.EXECUTION_LEASE_SECONDS * 1000,
      pollMs: e.EXECUTION_POLL_MS,
      smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM ?? 'FrameOS agents <agents@localhost>' } : null,
      browserExecutablePath: e.BROWSER_EXECUTABLE_PATH,
    },
    webDistDir: e.WEB_DIST_DIR ?? fileURLToPath(new URL('../../web/dist', import.meta.url)),
  };
}

/**
 * Production refuses to invent secrets: a missing or weak one stops start-up, naming the variable.
 * Development generates them once and keeps them in the data dir so restarts keep mandates verifiable.
 */
function resolveSecrets(
  nodeEnv: string,
  dataDir: string | null,
  signKey: string | undefined,
  jwtSecret: string | undefined,
  encryptionKey: string | undefined,
): { mandateSignKey: string; jwtSecret: string; secretsEncryptionKey: Buffer } {
  if (encryptionKey !== undefined && !isEncryptionKey(encryptionKey)) {
    throw new ConfigError('SECRETS_ENCRYPTION_KEY is malformed: it must be 32 random bytes, base64url-encoded (generate with `npm run keys:generate`)');
  }
  if (nodeEnv === 'production') {
    if (!signKey) throw new ConfigError('MANDATE_SIGN_KEY is required in production (base64url 32-byte Ed25519 seed; generate with `npm run keys:generate`)');
    if (!isStrongSeed(signKey)) throw new ConfigError('MANDATE_SIGN_KEY is weak or malformed: it must be a base64url-encoded random 32-byte Ed25519 seed');
    if (!jwtSecret) throw new ConfigError('JWT_SECRET is required in production');
    if (!isStrongJwtSecret(jwtSecret)) throw new ConfigError(`JWT_SECRET is weak: use at least ${MIN_JWT_SECRET_LENGTH} random characters`);
    if (!encryptionKey) throw new ConfigError('SECRETS_ENCRYPTION_KEY is required in production (base64url 32 random bytes; generate with `npm run keys:generate`)');
    return { mandateSignKey: signKey, jwtSecret, secretsEncryptionKey: Buffer.from(encryptionKey, 'base64url') };
  }
  if (signKey && !isStrongSeed(signKey)) throw new ConfigError('MANDATE_SIGN_KEY is malformed: it must be a base64url-encoded 32-byte Ed25519 seed');
  if (signKey && jwtSecret && encryptionKey) return { mandateSignKey: signKey, jwtSecret, secretsEncryptionKey: Buffer.from(encryptionKey, 'base64url') };
  const stored = dataDir ? readOrCreateDevSecrets(dataDir) : generateDevSecrets();
  return {
    mandateSignKey: signKey ?? stored.MANDATE_SIGN_KEY,
    jwtSecret: jwtSecret ?? stored.JWT_SECRET,
    secretsEncryptionKey: Buffer.from(encryptionKey ?? stored.SECRETS_ENCRYPTION_KEY, 'base64url'),
  };
}

function isEncryptionKey(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value) && Buffer.from(value, 'base64url').length === 32;
}

function generateDevSecrets(): Required<StoredSecrets> {
  return { MANDATE_SIGN_KEY: generateSigningSeed(), JWT_SECRET: randomBytes(32).toString('base64url'), SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64url') };
}

function isStrongJwtSecret(secret: string): boolean {
  return secret.length >= MIN_JWT_SECRET_LENGTH && new Set(secret).size >= 10;
}

function readOrCreateDevSecrets(dataDir: string): Required<StoredSecrets> {
  const file = join(dataDir, 'dev-secrets.json');
  const exists = existsSync(file);
  // Tighten a file someone loosened: it holds the key that signs money movements.
  if (exists) chmodSync(file, 0o600);
  const stored: StoredSecrets = exists ? (JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets) : {};
  const fresh = generateDevSecrets();
  const complete = {
    MANDATE_SIGN_KEY: stored.MANDATE_SIGN_KEY ?? fresh.MANDATE_SIGN_KEY,
    JWT_SECRET: stored.JWT_SECRET ?? fresh.JWT_SECRET,
    SECRETS_ENCRYPTION_KEY: stored.SECRETS_ENCRYPTION_KEY ?? fresh.SECRETS_ENCRYPTION_KEY,
  };
  if (stored.MANDATE_SIGN_KEY !== complete.MANDATE_SIGN_KEY || stored.JWT_SECRET !== complete.JWT_SECRET || stored.SECRETS_ENCRYPTION_KEY !== complete.SECRETS_ENCRYPTION_KEY) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(complete, null, 2), { mode: 0o600 });
  }
  return complete;
}
