import type { JWK } from 'jose';
import type { Executor } from '@frameos/db';
import type { SigningKey } from '@frameos/domain';
import { listSigningKeys, upsertSigningKey } from './signing-keys.repo.ts';

/**
 * Every public key that ever signed stays published, so mandates and receipts signed before a
 * rotation still verify. Only the current private key lives in the process (from MANDATE_SIGN_KEY).
 */
export async function publishSigningKey(db: Executor, key: SigningKey, now: Date): Promise<void> {
  await upsertSigningKey(db, key.kid, { ...key.publicJwk }, now);
}

const CACHE_MS = 30_000;
let cache: { at: number; keys: JWK[] } | null = null;

export async function publicSigningKeys(db: Executor, now: Date = new Date()): Promise<JWK[]> {
  if (cache && now.getTime() - cache.at < CACHE_MS) return cache.keys;
  const rows = await listSigningKeys(db);
  cache = { at: now.getTime(), keys: rows.map((r) => r.publicJwk as JWK) };
  return cache.keys;
}

export function forgetCachedSigningKeys(): void {
  cache = null;
}

export async function jwks(db: Executor) {
  return { keys: await publicSigningKeys(db) };
}
