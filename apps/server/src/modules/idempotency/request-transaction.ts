import type { Executor, Tx } from '@frameos/db';
import type { RequestContext } from '../../context.ts';
import { retryingTransaction } from '../../lib/transaction.ts';
import { completeIdempotencyKey } from './idempotency.repo.ts';

/**
 * A use case's answer to a request with an Idempotency-Key is stored in the transaction that makes
 * its effect, so both commit or neither. Every use case that answers does so in one of three ways:
 * `inTransaction` (the usual one), `storeAnswer` inside a transaction of its own, or its own
 * statement (`completeIdempotencySql`, on the hot paths). The idempotency plugin relies on it: a
 * success was stored by the use case; only error answers are stored by the plugin.
 */
export async function inTransaction<T>(ctx: RequestContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  return retryingTransaction(ctx.db, async (tx) => {
    const answer = await work(tx);
    await storeAnswer(tx, ctx, answer);
    return answer;
  });
}

/** Stores the request's answer in the caller's transaction (nothing when it carries no Idempotency-Key). */
export async function storeAnswer(tx: Executor, ctx: RequestContext, answer: unknown): Promise<void> {
  if (ctx.idempotency) await completeIdempotencyKey(tx, ctx.idempotency, ctx.idempotency.successStatus, JSON.stringify(answer));
}
