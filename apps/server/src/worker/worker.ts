import type { AppContext } from '../context.ts';
import { sweepExpiredKeys } from '../modules/idempotency/idempotency.service.ts';
import { runIntegrityCheck } from '../modules/integrity/integrity.service.ts';
import { reconcilePendingPayments } from '../modules/payments/reconciliation.service.ts';
import { startDeliveryLoop } from '../modules/webhooks/webhook-deliveries.worker.ts';
import { ExecutionWorker } from '../modules/executions/execution-runner.ts';
import { closeBrowser, defaultCapabilities, startScheduledEmailLoop } from '../modules/executions/capabilities/index.ts';
import { createSandbox } from '@frameos/sandbox';

const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Background work. Outbound webhooks are delivered from their table (the durable queue: rows written
 * in the transaction that caused them, claimed with leases; see docs/architecture.md). On timers:
 * reconciliation of pending rail payments, the daily receipt-chain integrity check, and dropping
 * idempotency records past their 24 h retention. Marketplace executions run from their own table
 * (the same lease mechanism) in the sandbox's process pool. Every job is safe to run in several processes.
 */
export function startWorker(appCtx: AppContext): { stop: () => Promise<void> } {
  const sweep = async () => {
    try {
      const removed = await sweepExpiredKeys(appCtx.database.db, appCtx.clock());
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
  const reconcile = async () => {
    try {
      await reconcilePendingPayments(appCtx);
    } catch (err) {
      appCtx.log.error({ err }, 'reconciliation could not run');
    }
  };
  const timers = [
    setInterval(sweep, SWEEP_INTERVAL_MS),
    setInterval(checkIntegrity, appCtx.config.integrityCheckIntervalMs),
    setInterval(reconcile, appCtx.config.reconciliationIntervalMs),
  ];
  for (const timer of timers) timer.unref();
  void sweep();
  void checkIntegrity();
  void reconcile();
  const deliveries = startDeliveryLoop(appCtx);
  const scheduledEmails = startScheduledEmailLoop(appCtx);
  const sandbox = createSandbox();
  const executions = new ExecutionWorker(appCtx, sandbox, defaultCapabilities(appCtx));
  executions.start();
  return {
    stop: async () => {
      timers.forEach((t) => clearInterval(t));
      await Promise.all([deliveries.stop(), scheduledEmails.stop(), executions.stop()]);
      await sandbox.close();
      await closeBrowser(appCtx);
    },
  };
}
