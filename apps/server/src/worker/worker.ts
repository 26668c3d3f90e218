import type { AppContext } from '../lib/context.ts';
import { deleteExpiredIdempotencyKeys } from '../modules/idempotency/idempotency.repo.ts';

const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Background housekeeping. Durable jobs (webhook deliveries, reconciliation) arrive with the job
 * queue; today the worker only drops idempotency records past their 24 h retention.
 */
export function startWorker(appCtx: AppContext): { stop: () => void } {
  const sweep = async () => {
    try {
      const removed = await deleteExpiredIdempotencyKeys(appCtx.database.db, appCtx.clock());
      if (removed > 0) appCtx.log.info({ removed }, 'expired idempotency keys removed');
    } catch (err) {
      appCtx.log.error({ err }, 'idempotency sweep failed');
    }
  };
  const timer = setInterval(sweep, SWEEP_INTERVAL_MS);
  timer.unref();
  void sweep();
  return { stop: () => clearInterval(timer) };
}
