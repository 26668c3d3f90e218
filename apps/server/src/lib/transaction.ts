import type { Db, Tx } from '@frameos/db';
import type { RequestContext } from './context.ts';
import { completeIdempotencyKey } from '../modules/idempotency/idempotency.repo.ts';
import { isRetryableConflict } from './pg-errors.ts';

const MAX_ATTEMPTS = 4;

/**
 * Runs a use case in one transaction. When the request carries an Idempotency-Key, the response
 * (the DTO the service returns) is stored in that same transaction: either both commit or neither.
 * Serialization failures and deadlocks are retried from the start.
 */
export async function inTransaction<T>(ctx: RequestContext, work: (tx: Tx) => Promise<T>, options: { storeResponse?: (result: T) => boolean } = {}): Promise<T> {
  let attempts = 0;
  try {
    return await retryingTransaction(ctx.db, async (tx) => {
      // A retry starts from scratch: a response the rolled-back attempt stored is gone with it.
      if (attempts++ > 0 && ctx.idempotency) ctx.idempotency.completed = false;
      const result = await work(tx);
      const claim = ctx.idempotency;
      // A use case in two transactions (a rail call between them) stores its response with the second.
      if (claim && !claim.completed && (options.storeResponse?.(result) ?? true)) await completeIdempotencyKey(tx, claim, claim.successStatus, JSON.stringify(result));
      return result;
    });
  } catch (err) {
    // Nothing was stored: the idempotency plugin records the error response (or releases the key).
    if (ctx.idempotency) ctx.idempotency.completed = false;
    throw err;
  }
}

/** One transaction, retried from the start on a serialization failure or deadlock (also for jobs and webhooks). */
export async function retryingTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !isRetryableConflict(err)) throw err;
    }
  }
}
