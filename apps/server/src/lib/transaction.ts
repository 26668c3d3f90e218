import type { Db, Tx } from '@frameos/db';
import { isRetryableConflict } from './pg-errors.ts';

const MAX_ATTEMPTS = 4;

/**
 * Thrown inside a transaction that found the rows it locked changed under it (for example a policy
 * version moved while the statement waited for its lock): the work is simply run again from the
 * start, like a serialization failure.
 */
export class RetryTransaction extends Error {
  override readonly name = 'RetryTransaction';
}

/** One transaction, run again from the start on a serialization failure, a deadlock or RetryTransaction. */
export async function retryingTransaction<T>(db: Db | Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !(err instanceof RetryTransaction || isRetryableConflict(err))) throw err;
    }
  }
}
