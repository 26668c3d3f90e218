import { Counter, Gauge, Registry } from 'prom-client';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../lib/context.ts';
import { rowsOf } from '../../lib/sql-values.ts';
import { latestIntegrityCheck } from '../integrity/integrity.repo.ts';

/** Counters of what this process did; they live as long as the process. */
export const processRegistry = new Registry();

export const webhookDeliveryCounter = new Counter({
  name: 'frameos_webhook_delivery_attempts_total',
  help: 'Outbound webhook delivery attempts by outcome (succeeded, retry, given_up)',
  labelNames: ['outcome'] as const,
  registers: [processRegistry],
});

export const railWebhookCounter = new Counter({
  name: 'frameos_rail_webhooks_total',
  help: 'Inbound rail webhooks by rail and outcome (applied, already, recorded, ignored, unmatched, duplicate, rejected)',
  labelNames: ['rail', 'outcome'] as const,
  registers: [processRegistry],
});

export const reconciliationCounter = new Counter({
  name: 'frameos_reconciliation_payments_total',
  help: 'Pending payments examined by reconciliation, by result (settled, failed, still_pending, flagged)',
  labelNames: ['result'] as const,
  registers: [processRegistry],
});

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
      this.set((await latestIntegrityCheck(db))?.brokenChains ?? 0);
    },
  });
  new Gauge({
    name: 'frameos_receipt_chains_checked',
    help: 'Receipt chains verified by the last integrity check',
    registers: [registry],
    async collect() {
      this.set((await latestIntegrityCheck(db))?.chains ?? 0);
    },
  });
  new Gauge({
    name: 'frameos_integrity_check_last_run_timestamp_seconds',
    help: 'When the last receipt-chain integrity check ran (0 = never)',
    registers: [registry],
    async collect() {
      const last = await latestIntegrityCheck(db);
      this.set(last ? Math.floor(last.checkedAt.getTime() / 1000) : 0);
    },
  });
  new Gauge({
    name: 'frameos_work_waiting',
    help: 'Work waiting: pending payments, payments needing attention, pending webhook deliveries',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      const [r] = rowsOf(await db.execute(sql`select
        (select count(*) from payments where status = 'pending') as pending_payments,
        (select count(*) from payments where attention_reason is not null) as payments_needing_attention,
        (select count(*) from webhook_deliveries where status = 'pending') as pending_webhook_deliveries`));
      for (const kind of ['pending_payments', 'payments_needing_attention', 'pending_webhook_deliveries'] as const) this.set({ kind }, Number(r?.[kind] ?? 0));
    },
  });
  return registry;
}
