import type { Tx } from '@frameos/db';
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
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction(async (tx) => {
        const result = await work(tx);
        const claim = ctx.idempotency;
        // A use case in two transactions (a rail call between them) stores its response with the second.
        if (claim && !claim.completed && (options.storeResponse?.(result) ?? true)) await completeIdempotencyKey(tx, claim, claim.successStatus, JSON.stringify(result));
        return result;
      });
    } catch (err) {
      if (ctx.idempotency) ctx.idempotency.completed = false;
      if (attempt >= MAX_ATTEMPTS || !isRetryableConflict(err)) throw err;
    }
  }
}
