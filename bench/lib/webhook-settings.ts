import { positiveInteger, readSettings } from './settings.ts';

/** What `npm run bench:webhooks` can be tuned with, read once from the environment. */
export interface WebhookBenchSettings {
  /** Server that hosts the throw-away database (the user must be allowed to CREATE DATABASE). */
  adminDatabaseUrl: string;
  /** Length of each inbound phase and of the paced delivery phase. */
  durationSeconds: number;
  /** autocannon connections for the inbound phases. */
  connections: number;
  /** Agent accounts of the inbound org; pending Stripe payments are spread over them round-robin. */
  agents: number;
  /** DATABASE_POOL_SIZE of the API process and of the worker process. */
  serverPoolSize: number;
  paymentAmount: number;
  currency: string;
  /** In the mixed inbound phase, one event in this many is of a type the server ignores; the rest are unmatched payment_intent.succeeded. */
  ignoredOneIn: number;
  /** Pending Stripe payments made before the settlement phase (the phase ends when they are all settled). */
  settlements: number;
  /** Events enqueued at once in the delivery burst. */
  deliveries: number;
  /** Events enqueued per second in the paced delivery phase. */
  pacedDeliveriesPerSecond: number;
  /** WEBHOOK_DELIVERY_POLL_MS of the worker. */
  deliveryPollMs: number;
}

export function readWebhookSettings(): WebhookBenchSettings {
  const common = readSettings();
  return {
    adminDatabaseUrl: common.adminDatabaseUrl,
    durationSeconds: common.durationSeconds,
    connections: common.connections,
    agents: common.agents,
    serverPoolSize: common.serverPoolSize,
    paymentAmount: common.paymentAmount,
    currency: common.currency,
    ignoredOneIn: 5,
    settlements: positiveInteger('BENCH_WEBHOOK_SETTLEMENTS', 3000),
    deliveries: positiveInteger('BENCH_WEBHOOK_DELIVERIES', 5000),
    pacedDeliveriesPerSecond: positiveInteger('BENCH_WEBHOOK_PACED_RATE', 100),
    deliveryPollMs: positiveInteger('BENCH_WEBHOOK_POLL_MS', 50),
  };
}
