import { MAX_DELIVERY_ATTEMPTS, nextDeliveryDelayMs } from '@frameos/domain';
import type { AppContext } from '../../context.ts';
import { webhookDeliveryCounter } from '../metrics/counters.ts';
import { claimDueDeliveries, disableEndpoint, finishAttempt, insertAttempt, type ClaimedDelivery } from './webhook-deliveries.repo.ts';
import { sendWebhook } from './send-webhook.ts';

const BATCH_SIZE = 25;

/**
 * Claims the deliveries that are due and sends them, concurrently within a batch. Returns how many
 * it claimed, so the loop can go again at once while there is a backlog.
 */
export async function deliverDueWebhooks(app: AppContext): Promise<number> {
  const { leaseMs, timeoutMs } = app.config.webhookDelivery;
  const claimed = await claimDueDeliveries(app.database.db, app.clock(), leaseMs, BATCH_SIZE);
  await Promise.all(claimed.map((d) => deliverOne(app, d, timeoutMs)));
  return claimed.length;
}

async function deliverOne(app: AppContext, d: ClaimedDelivery, timeoutMs: number): Promise<void> {
  const at = app.clock();
  const result = await sendWebhook(d.url, d.secret, { id: d.eventId, payload: d.payload }, { timeoutMs, production: app.config.env === 'production', now: at });
  const delay = result.ok ? null : nextDeliveryDelayMs(Math.min(d.attempt, MAX_DELIVERY_ATTEMPTS), Math.random());
  const givenUp = !result.ok && delay === null;
  const finishedAt = app.clock();
  await app.database.db.transaction(async (tx) => {
    await insertAttempt(tx, { deliveryId: d.id, attempt: d.attempt, at, responseStatus: result.status, error: result.error, durationMs: result.durationMs });
    const current = await finishAttempt(tx, d.id, d.attempt, {
      lastResponseStatus: result.status,
      lastError: result.error,
      ...(result.ok ? { status: 'succeeded' as const, completedAt: finishedAt } : {}),
      ...(givenUp ? { status: 'failed' as const, completedAt: finishedAt } : {}),
      ...(delay !== null ? { nextAttemptAt: new Date(finishedAt.getTime() + delay) } : {}),
    });
    // Persistent failure: stop sending to an endpoint that has not answered for the whole schedule.
    if (current && givenUp) await disableEndpoint(tx, d.endpointId, `Disabled after delivery ${d.id} failed its last scheduled attempt (attempt ${d.attempt}; the schedule spans more than 24 hours); last error: ${result.error ?? 'unknown'}`, finishedAt);
  });
  webhookDeliveryCounter.inc({ outcome: result.ok ? 'succeeded' : givenUp ? 'given_up' : 'retry' });
  const log = { delivery_id: d.id, event_id: d.eventId, endpoint_id: d.endpointId, attempt: d.attempt, status: result.status, duration_ms: result.durationMs };
  if (result.ok) app.log.info(log, 'webhook delivered');
  else if (givenUp) app.log.error({ ...log, error: result.error }, 'webhook delivery given up; endpoint disabled');
  else app.log.warn({ ...log, error: result.error, retry_in_ms: delay }, 'webhook delivery failed; will retry');
}

/** The delivery loop of a worker process: polls while idle, drains back to back while busy. */
export function startDeliveryLoop(app: AppContext): { stop: () => Promise<void> } {
  let stopped = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopped) {
      let claimed = 0;
      try {
        claimed = await deliverDueWebhooks(app);
      } catch (err) {
        app.log.error({ err }, 'webhook delivery batch failed');
      }
      if (claimed < BATCH_SIZE && !stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, app.config.webhookDelivery.pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}
