import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSigningSeed } from '@frameos/domain';
import { ConfigError, loadConfig } from '../src/config.ts';
import { thrownBy } from './support/assertions.ts';

const strongJwt = 'q8Vb3kZ2xP9mN4wR7tY1uI6oL5aS0dF3gH8jK2lZ';

describe('configuration', () => {
  it('generates development secrets once and keeps them in the data dir (0600)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'frameos-config-'));
    const first = loadConfig({ FRAMEOS_DATA_DIR: dir });
    const second = loadConfig({ FRAMEOS_DATA_DIR: dir });
    expect(second.mandateSignKey).toBe(first.mandateSignKey);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    const file = join(dir, 'dev-secrets.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).MANDATE_SIGN_KEY).toBe(first.mandateSignKey);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps no secrets on disk for an in-memory database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'frameos-config-'));
    const config = loadConfig({ FRAMEOS_DATA_DIR: dir, DATABASE_URL: 'memory://' });
    expect(config.mandateSignKey).toHaveLength(43);
    expect(existsSync(join(dir, 'dev-secrets.json'))).toBe(false);
  });

  it('tightens the permissions of an existing secrets file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'frameos-config-'));
    loadConfig({ FRAMEOS_DATA_DIR: dir });
    chmodSync(join(dir, 'dev-secrets.json'), 0o644);
    loadConfig({ FRAMEOS_DATA_DIR: dir });
    expect(statSync(join(dir, 'dev-secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses to start in production without MANDATE_SIGN_KEY, naming it', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: strongJwt })).toThrowError(/MANDATE_SIGN_KEY/);
  });

  it('refuses a weak MANDATE_SIGN_KEY in production', () => {
    const allZero = Buffer.alloc(32).toString('base64url');
    expect(() => loadConfig({ NODE_ENV: 'production', MANDATE_SIGN_KEY: allZero, JWT_SECRET: strongJwt })).toThrowError(/MANDATE_SIGN_KEY is weak/);
    expect(() => loadConfig({ NODE_ENV: 'production', MANDATE_SIGN_KEY: 'short', JWT_SECRET: strongJwt })).toThrowError(ConfigError);
  });

  it('refuses a missing or weak JWT_SECRET in production, naming it', () => {
    const seed = generateSigningSeed();
    expect(() => loadConfig({ NODE_ENV: 'production', MANDATE_SIGN_KEY: seed })).toThrowError(/JWT_SECRET is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', MANDATE_SIGN_KEY: seed, JWT_SECRET: 'secret' })).toThrowError(/JWT_SECRET is weak/);
    expect(() => loadConfig({ NODE_ENV: 'production', MANDATE_SIGN_KEY: seed, JWT_SECRET: 'a'.repeat(40) })).toThrowError(/JWT_SECRET is weak/);
  });

  it('refuses a missing or malformed SECRETS_ENCRYPTION_KEY in production, naming it', () => {
    const base = { NODE_ENV: 'production', MANDATE_SIGN_KEY: generateSigningSeed(), JWT_SECRET: strongJwt };
    expect(() => loadConfig(base)).toThrowError(/SECRETS_ENCRYPTION_KEY is required/);
    expect(() => loadConfig({ ...base, SECRETS_ENCRYPTION_KEY: 'short' })).toThrowError(/SECRETS_ENCRYPTION_KEY is malformed/);
  });

  it('starts in production with strong secrets and never seeds demo data there', () => {
    const config = loadConfig({ NODE_ENV: 'production', MANDATE_SIGN_KEY: generateSigningSeed(), JWT_SECRET: strongJwt, SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64url'), SEED_DEMO_DATA: 'true' });
    expect(config.env).toBe('production');
    expect(config.seedDemoData).toBe(false);
  });

  it('hashes passwords with scrypt N = 2^15 by default, and never lower in production', () => {
    const prod = { NODE_ENV: 'production', MANDATE_SIGN_KEY: generateSigningSeed(), JWT_SECRET: strongJwt, SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64url') };
    expect(loadConfig(prod).passwordScryptN).toBe(32768);
    expect(loadConfig({ ...prod, PASSWORD_SCRYPT_N: '65536' }).passwordScryptN).toBe(65536);
    expect(() => loadConfig({ ...prod, PASSWORD_SCRYPT_N: '1024' })).toThrowError(/PASSWORD_SCRYPT_N must be at least 32768 in production/);
    expect(loadConfig({ NODE_ENV: 'test', PASSWORD_SCRYPT_N: '1024' }).passwordScryptN).toBe(1024);
    expect(() => loadConfig({ NODE_ENV: 'test', PASSWORD_SCRYPT_N: '3000' })).toThrowError(/PASSWORD_SCRYPT_N/);
  });

  it('names the variable when one is malformed', () => {
    expect(() => loadConfig({ PORT: 'eighty', MANDATE_SIGN_KEY: generateSigningSeed(), JWT_SECRET: strongJwt })).toThrowError(/PORT/);
    expect(() => loadConfig({ NODE_ENV: 'staging', MANDATE_SIGN_KEY: generateSigningSeed(), JWT_SECRET: strongJwt })).toThrowError(/NODE_ENV/);
  });

  it('reads ALLOWED_ORIGINS as a comma-separated list', () => {
    const config = loadConfig({ ALLOWED_ORIGINS: 'https://a.example, https://b.example', MANDATE_SIGN_KEY: generateSigningSeed(), JWT_SECRET: strongJwt });
    expect(config.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
  });
});

describe('rail settings', () => {
  const base = { DATABASE_URL: 'memory://' };

  it('leaves every rail unconfigured by default', () => {
    expect(loadConfig(base).rails).toEqual({ stripe: null, cashfree: null, x402: null });
  });

  it('configures a rail when its required settings are all present, with its optional ones defaulted', () => {
    expect(loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).rails.stripe).toEqual({ secretKey: 'sk_test_x', webhookSecret: 'whsec_x', apiBaseUrl: null });
    expect(loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_API_BASE_URL: 'http://127.0.0.1:12111' }).rails.stripe?.apiBaseUrl).toBe('http://127.0.0.1:12111');
    expect(loadConfig({ ...base, CASHFREE_CLIENT_ID: 'id', CASHFREE_CLIENT_SECRET: 's' }).rails.cashfree).toEqual({
      clientId: 'id', clientSecret: 's', env: 'sandbox', apiBaseUrl: 'https://sandbox.cashfree.com/pg',
    });
    expect(loadConfig({ ...base, CASHFREE_CLIENT_ID: 'id', CASHFREE_CLIENT_SECRET: 's', CASHFREE_ENV: 'production' }).rails.cashfree?.apiBaseUrl).toBe('https://api.cashfree.com/pg');
    expect(loadConfig({ ...base, X402_WALLET_PRIVATE_KEY: `0x${'1'.repeat(64)}`, X402_NETWORK: 'eip155:8453' }).rails.x402).toEqual({ walletPrivateKey: `0x${'1'.repeat(64)}`, network: 'eip155:8453', rpcUrl: null });
    expect(loadConfig({ ...base, X402_WALLET_PRIVATE_KEY: `0x${'1'.repeat(64)}`, X402_NETWORK: 'eip155:8453', X402_RPC_URL: 'https://rpc.example' }).rails.x402?.rpcUrl).toBe('https://rpc.example');
  });

  it.each([
    [{ CASHFREE_CLIENT_ID: 'id' }, ['CASHFREE_CLIENT_SECRET']],
    [{ CASHFREE_CLIENT_SECRET: 'cfsk_secret_value' }, ['CASHFREE_CLIENT_ID']],
    [{ CASHFREE_ENV: 'production' }, ['CASHFREE_CLIENT_ID', 'CASHFREE_CLIENT_SECRET']],
    [{ CASHFREE_API_BASE_URL: 'http://127.0.0.1:9/pg' }, ['CASHFREE_CLIENT_ID', 'CASHFREE_CLIENT_SECRET']],
    [{ STRIPE_SECRET_KEY: 'sk_test_secretValue123' }, ['STRIPE_WEBHOOK_SECRET']],
    [{ STRIPE_WEBHOOK_SECRET: 'whsec_secretValue123' }, ['STRIPE_SECRET_KEY']],
    [{ STRIPE_API_BASE_URL: 'http://127.0.0.1:12111' }, ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET']],
    [{ X402_WALLET_PRIVATE_KEY: `0x${'1'.repeat(64)}` }, ['X402_NETWORK']],
    [{ X402_NETWORK: 'eip155:8453' }, ['X402_WALLET_PRIVATE_KEY']],
    [{ X402_RPC_URL: 'https://rpc.example' }, ['X402_WALLET_PRIVATE_KEY', 'X402_NETWORK']],
  ])('stops start-up on a half-configured rail (%o), naming what is missing and never a value', (settings: Record<string, string>, missing: string[]) => {
    const thrown = thrownBy(() => loadConfig({ ...base, ...settings }));
    expect(thrown).toBeInstanceOf(ConfigError);
    const message = (thrown as Error).message;
    for (const name of missing) expect(message).toContain(`${name} is missing`);
    for (const value of Object.values(settings)) expect(message).not.toContain(value);
    expect(message).toMatch(/or none of them/);
  });

  it('names every half-configured rail at once, and counts an empty value as unset', () => {
    expect(() => loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_x', CASHFREE_CLIENT_ID: 'id' })).toThrowError(/Stripe.*STRIPE_WEBHOOK_SECRET is missing.*Cashfree.*CASHFREE_CLIENT_SECRET is missing/s);
    expect(() => loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: '' })).toThrowError(/STRIPE_WEBHOOK_SECRET is missing/);
    expect(loadConfig({ ...base, STRIPE_SECRET_KEY: '', CASHFREE_CLIENT_ID: '' }).rails).toEqual({ stripe: null, cashfree: null, x402: null });
  });

  it('no longer reads X402_FACILITATOR_URL: in x402 v2 the vendor, not the payer, talks to the facilitator', () => {
    const x402 = loadConfig({ ...base, X402_WALLET_PRIVATE_KEY: `0x${'1'.repeat(64)}`, X402_NETWORK: 'eip155:8453', X402_FACILITATOR_URL: 'https://facilitator.example' }).rails.x402;
    expect(x402).toEqual({ walletPrivateKey: `0x${'1'.repeat(64)}`, network: 'eip155:8453', rpcUrl: null });
    expect(loadConfig({ ...base, X402_FACILITATOR_URL: 'https://facilitator.example' }).rails.x402).toBeNull();
  });

  it('refuses a malformed setting naming the variable, never echoing its value', () => {
    const key = `0x${'z'.repeat(64)}`;
    let message = '';
    try {
      loadConfig({ ...base, X402_WALLET_PRIVATE_KEY: key, X402_NETWORK: 'eip155:8453' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('X402_WALLET_PRIVATE_KEY');
    expect(message).not.toContain(key);
    expect(() => loadConfig({ ...base, CASHFREE_ENV: 'live' })).toThrow(/CASHFREE_ENV/);
    expect(() => loadConfig({ ...base, STRIPE_API_BASE_URL: 'not a url' })).toThrow(/STRIPE_API_BASE_URL/);
  });

  it('reads the rail resilience and webhook delivery settings', () => {
    const config = loadConfig({ ...base, RAIL_TIMEOUT_MS: '1500', RAIL_MAX_ATTEMPTS: '5', RAIL_RETRY_BASE_MS: '50', WEBHOOK_DELIVERY_LEASE_SECONDS: '30' });
    expect(config.railResilience).toMatchObject({ timeoutMs: 1500, maxAttempts: 5, initialBackoffMs: 50 });
    expect(config.webhookDelivery.leaseMs).toBe(30_000);
    expect(() => loadConfig({ ...base, RAIL_MAX_ATTEMPTS: '0' })).toThrow(/RAIL_MAX_ATTEMPTS/);
  });
});

describe('config.ts dependencies', () => {
  it('imports nothing from the modules: the rails read their resilience settings from config, not the other way round', () => {
    const source = readFileSync(new URL('../src/config.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/from\s+['"][^'"]*modules\//);
    expect(source).toMatch(/export const DEFAULT_RESILIENCE/);
  });
});
