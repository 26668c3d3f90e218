import type { AppContext } from '../lib/context.ts';
import { deleteExpiredIdempotencyKeys } from '../modules/idempotency/idempotency.repo.ts';
import { runIntegrityCheck } from '../modules/integrity/integrity.service.ts';

const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Background work on timers: dropping idempotency records past their 24 h retention, and the daily
 * receipt-chain integrity check. Durable jobs (webhook deliveries, reconciliation) arrive with the
 * job queue (issue 4).
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
  const checkIntegrity = async () => {
    try {
      await runIntegrityCheck(appCtx);
    } catch (err) {
      appCtx.log.error({ err }, 'integrity check could not run');
    }
  };
  const timers = [setInterval(sweep, SWEEP_INTERVAL_MS), setInterval(checkIntegrity, appCtx.config.integrityCheckIntervalMs)];
  for (const timer of timers) timer.unref();
  void sweep();
  void checkIntegrity();
  return { stop: () => timers.forEach((t) => clearInterval(t)) };
}
