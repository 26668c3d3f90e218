import { Gauge, Registry } from 'prom-client';
import type { AppContext } from '../../context.ts';
import { latestCheck } from '../integrity/integrity.service.ts';
import { paymentBacklog } from '../payments/payments.service.ts';
import { pendingDeliveryCount } from '../webhooks/webhook-deliveries.service.ts';

/**
 * Gauges read from the database at scrape time, so every process reports the same truth whichever
 * of them ran the job: the last receipt-chain integrity check, and work still waiting.
 */
export function databaseRegistry(app: AppContext): Registry {
  const registry = new Registry();
  const db = app.database.db;
  new Gauge({
    name: 'frameos_receipt_chains_broken',
    help: 'Receipt chains that failed verification in the last integrity check (alert when > 0)',
    registers: [registry],
    async collect() {
      this.set((await latestCheck(db))?.brokenChains ?? 0);
    },
  });
  new Gauge({
    name: 'frameos_receipt_chains_checked',
    help: 'Receipt chains verified by the last integrity check',
    registers: [registry],
    async collect() {
      this.set((await latestCheck(db))?.chains ?? 0);
    },
  });
  new Gauge({
    name: 'frameos_integrity_check_last_run_timestamp_seconds',
    help: 'When the last receipt-chain integrity check ran (0 = never)',
    registers: [registry],
    async collect() {
      const last = await latestCheck(db);
      this.set(last ? Math.floor(last.checkedAt.getTime() / 1000) : 0);
    },
  });
  new Gauge({
    name: 'frameos_work_waiting',
    help: 'Work waiting: pending payments, payments needing attention, pending webhook deliveries',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      const payments = await paymentBacklog(db);
      this.set({ kind: 'pending_payments' }, payments.pending);
      this.set({ kind: 'payments_needing_attention' }, payments.needingAttention);
      this.set({ kind: 'pending_webhook_deliveries' }, await pendingDeliveryCount(db));
    },
  });
  return registry;
}
