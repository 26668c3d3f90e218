import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSigningSeed } from '@frameos/domain';
import { ConfigError, loadConfig } from '../src/config.ts';

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

  it('starts in production with strong secrets and never seeds demo data there', () => {
    const config = loadConfig({ NODE_ENV: 'production', MANDATE_SIGN_KEY: generateSigningSeed(), JWT_SECRET: strongJwt, SEED_DEMO_DATA: 'true' });
    expect(config.env).toBe('production');
    expect(config.seedDemoData).toBe(false);
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
