import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';
import { rowsOf } from '../../lib/sql-values.ts';

const { webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints } = schema;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type DeliveryAttemptRow = typeof webhookDeliveryAttempts.$inferSelect;

export interface ClaimedDelivery {
  id: string;
  orgId: string;
  endpointId: string;
  eventId: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
  url: string;
  secret: string;
  payload: string;
}

/**
 * Claims due deliveries for this worker: each gets a lease (`locked_until`) and its attempt counted.
 * SKIP LOCKED lets any number of workers claim side by side without taking the same row; a worker
 * that dies mid-delivery simply lets its lease run out, and the delivery is claimed again.
 */
export async function claimDueDeliveries(db: Executor, now: Date, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const result = await db.execute(sql`
    with due as (
      select d.id from webhook_deliveries d
      join webhook_endpoints e on e.id = d.endpoint_id
      where d.status = 'pending' and d.next_attempt_at <= ${now} and (d.locked_until is null or d.locked_until <= ${now})
        and e.enabled and e.deleted_at is null
      order by d.next_attempt_at
      limit ${limit}
      for update of d skip locked
    )
    update webhook_deliveries d set locked_until = ${leaseUntil}, attempts = d.attempts + 1
    from due, webhook_endpoints e, events ev
    where d.id = due.id and e.id = d.endpoint_id and ev.id = d.event_id
    returning d.id, d.org_id, d.endpoint_id, d.event_id, d.attempts, e.url, e.secret, ev.payload`);
  return rowsOf(result).map((r) => ({
    id: String(r.id), orgId: String(r.org_id), endpointId: String(r.endpoint_id), eventId: String(r.event_id),
    attempt: Number(r.attempts), url: String(r.url), secret: String(r.secret), payload: String(r.payload),
  }));
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  at: Date;
  responseStatus: number | null;
  error: string | null;
  durationMs: number;
}

export async function insertAttempt(db: Executor, a: AttemptRecord): Promise<void> {
  await db.insert(webhookDeliveryAttempts).values({ deliveryId: a.deliveryId, attempt: a.attempt, attemptedAt: a.at, responseStatus: a.responseStatus, error: a.error, durationMs: a.durationMs });
}

/** Updates a delivery only while this worker's attempt is still the current one (a replay may have reset it). */
export async function finishAttempt(db: Executor, id: string, attempt: number, changes: Partial<DeliveryRow>): Promise<boolean> {
  const rows = await db.update(webhookDeliveries).set({ ...changes, lockedUntil: null })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.attempts, attempt), eq(webhookDeliveries.status, 'pending')))
    .returning({ id: webhookDeliveries.id });
  return rows.length === 1;
}

export async function disableEndpoint(db: Executor, endpointId: string, reason: string, now: Date): Promise<void> {
  await db.update(webhookEndpoints).set({ enabled: false, disabledReason: reason, updatedAt: now }).where(eq(webhookEndpoints.id, endpointId));
}

export async function listDeliveries(db: Executor, endpointId: string, limit: number, startingAfter?: string) {
  const conditions = [eq(webhookDeliveries.endpointId, endpointId)];
  if (startingAfter) {
    // Keyset on the whole sort key: deliveries created in the same millisecond (one clock tick, many events) are not skipped.
    conditions.push(sql`(${webhookDeliveries.createdAt}, ${webhookDeliveries.id}) < (select created_at, id from webhook_deliveries where id = ${startingAfter})`);
  }
  return db.select().from(webhookDeliveries).where(and(...conditions)).orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id)).limit(limit + 1);
}

export async function listAttempts(db: Executor, deliveryIds: string[]): Promise<DeliveryAttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  return db.select().from(webhookDeliveryAttempts).where(inArray(webhookDeliveryAttempts.deliveryId, deliveryIds)).orderBy(webhookDeliveryAttempts.attempt, webhookDeliveryAttempts.id);
}

export async function findDelivery(db: Executor, endpointId: string, id: string): Promise<DeliveryRow | null> {
  const [row] = await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, id)));
  return row ?? null;
}

/**
 * A manual replay: one more attempt now, whatever the delivery's state. Attempt numbers keep counting
 * (so a worker still finishing an older attempt cannot overwrite this one); a replay that fails after
 * the schedule was exhausted gives up again at once.
 */
export async function replayDelivery(db: Executor, id: string, now: Date): Promise<DeliveryRow> {
  const [row] = await db.update(webhookDeliveries)
    .set({ status: 'pending', nextAttemptAt: now, lockedUntil: null, completedAt: null })
    .where(eq(webhookDeliveries.id, id)).returning();
  return row!;
}

/** Deliveries still to make, across every org (for /metrics). */
export async function countPendingDeliveries(db: Executor): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.status, 'pending'));
  return Number(row?.n ?? 0);
}
