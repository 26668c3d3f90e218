import type { Executor } from '@frameos/db';
import { claimIdempotencyKey, completeIdempotencyKey, deleteExpiredIdempotencyKeys, releaseIdempotencyKey, type ClaimOutcome, type IdempotencyClaim } from './idempotency.repo.ts';

export type { ClaimOutcome, IdempotencyClaim } from './idempotency.repo.ts';

/** Claims `key` for a request whose hash is `requestHash`: claimed, a replay of the stored answer, reused with another request, or in use. */
export function claimKey(db: Executor, scope: string, key: string, requestHash: string, now: Date): Promise<ClaimOutcome> {
  return claimIdempotencyKey(db, scope, key, requestHash, now);
}

/** Stores an error answer (below 500) for the claim: a retry with the same key replays it. */
export function storeErrorAnswer(db: Executor, claim: IdempotencyClaim, status: number, body: string): Promise<void> {
  return completeIdempotencyKey(db, claim, status, body);
}

/** After a server error nothing was stored: the client may retry with the same key. */
export function releaseKey(db: Executor, claim: IdempotencyClaim): Promise<void> {
  return releaseIdempotencyKey(db, claim);
}

/** Drops records past their 24 h retention; the number removed. */
export function sweepExpiredKeys(db: Executor, now: Date): Promise<number> {
  return deleteExpiredIdempotencyKeys(db, now);
}
