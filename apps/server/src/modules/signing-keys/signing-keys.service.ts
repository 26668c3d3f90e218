import type { JWK } from 'jose';
import type { Executor } from '@frameos/db';
import type { SigningKey } from '@frameos/domain';
import type { AppContext } from '../../context.ts';
import { listSigningKeys, upsertSigningKey } from './signing-keys.repo.ts';

/**
 * Every public key that ever signed stays published, so mandates and receipts signed before a
 * rotation still verify. Only the current private key lives in the process (from MANDATE_SIGN_KEY).
 */
export async function publishSigningKey(db: Executor, key: SigningKey, now: Date): Promise<void> {
  await upsertSigningKey(db, key.kid, { ...key.publicJwk }, now);
}

const CACHE_MS = 30_000;
const caches = new WeakMap<AppContext, { at: number; keys: JWK[] }>();

/**
 * Published keys, cached briefly per app. `fresh` bypasses the cache (a kid we have not seen yet).
 * Callers inside a transaction pass it as `db`: on PGlite a query outside it would wait for it forever.
 */
export async function publicSigningKeys(app: AppContext, db: Executor = app.database.db, options: { fresh?: boolean } = {}): Promise<JWK[]> {
  const now = Date.now();
  const cached = caches.get(app);
  if (cached && !options.fresh && now - cached.at < CACHE_MS) return cached.keys;
  const rows = await listSigningKeys(db);
  const keys = rows.map((r) => r.publicJwk as JWK);
  caches.set(app, { at: now, keys });
  return keys;
}

/** Finds a key by kid, reloading once when another process has just published a new one. */
export async function hasPublishedKid(app: AppContext, db: Executor, kid: string): Promise<boolean> {
  if ((await publicSigningKeys(app, db)).some((k) => k.kid === kid)) return true;
  return (await publicSigningKeys(app, db, { fresh: true })).some((k) => k.kid === kid);
}

export async function jwks(app: AppContext) {
  return { keys: await publicSigningKeys(app) };
}

/** Every published key, uncached: for offline tools such as `npm run receipts:verify`. */
export async function allPublishedKeys(db: Executor): Promise<JWK[]> {
  return (await listSigningKeys(db)).map((r) => r.publicJwk as JWK);
}

/** Whether the signing keys table exists and holds a key (false too when the database does not answer). */
export async function signingKeysPublished(db: Executor): Promise<boolean> {
  try {
    return (await listSigningKeys(db)).length > 0;
  } catch {
    return false;
  }
}
