import { and, eq, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { railWebhookEvents, refunds } = schema;

/** Claims an event id for a rail; false when it was already received (a duplicate changes nothing). */
export async function claimRailEvent(db: Executor, row: { rail: string; eventId: string; type: string; paymentId: string | null; receivedAt: Date }): Promise<boolean> {
  const inserted = await db.insert(railWebhookEvents).values({ ...row, outcome: 'received' }).onConflictDoNothing().returning({ eventId: railWebhookEvents.eventId });
  return inserted.length === 1;
}

export async function setRailEventOutcome(db: Executor, rail: string, eventId: string, outcome: string, paymentId: string | null): Promise<void> {
  await db.update(railWebhookEvents).set({ outcome, paymentId }).where(and(eq(railWebhookEvents.rail, rail), eq(railWebhookEvents.eventId, eventId)));
}

/** Refunds of a payment by status, oldest first, locked (a webhook completes them in order). */
export async function lockRefundsOfPayment(db: Executor, paymentId: string) {
  return db.select().from(refunds).where(eq(refunds.paymentId, paymentId)).orderBy(refunds.createdAt, refunds.id).for('update');
}

export async function succeededRefundTotal(db: Executor, paymentId: string): Promise<number> {
  const [row] = await db.select({ total: sql<string>`coalesce(sum(${refunds.amount}), 0)` }).from(refunds).where(and(eq(refunds.paymentId, paymentId), eq(refunds.status, 'succeeded')));
  return Number(row?.total ?? 0);
}
