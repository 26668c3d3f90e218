import { and, eq } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { railWebhookEvents } = schema;

/** Claims an event id for a rail; false when it was already received (a duplicate changes nothing). */
export async function claimRailEvent(db: Executor, row: { rail: string; eventId: string; type: string; paymentId: string | null; receivedAt: Date }): Promise<boolean> {
  const inserted = await db.insert(railWebhookEvents).values({ ...row, outcome: 'received' }).onConflictDoNothing().returning({ eventId: railWebhookEvents.eventId });
  return inserted.length === 1;
}

export async function setRailEventOutcome(db: Executor, rail: string, eventId: string, outcome: string, paymentId: string | null): Promise<void> {
  await db.update(railWebhookEvents).set({ outcome, paymentId }).where(and(eq(railWebhookEvents.rail, rail), eq(railWebhookEvents.eventId, eventId)));
}
