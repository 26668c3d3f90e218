import { Counter, Registry } from 'prom-client';

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
