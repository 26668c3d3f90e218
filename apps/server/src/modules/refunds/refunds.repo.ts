import { and, asc, eq, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { refunds, payments } = schema;
export type RefundRow = typeof refunds.$inferSelect;

export async function insertRefund(db: Executor, row: RefundRow): Promise<void> {
  await db.insert(refunds).values(row);
}

export async function updateRefund(db: Executor, id: string, changes: Partial<Omit<RefundRow, 'id' | 'orgId' | 'paymentId'>>): Promise<RefundRow> {
  const [row] = await db.update(refunds).set(changes).where(eq(refunds.id, id)).returning();
  if (!row) throw new Error(`refund ${id} vanished`);
  return row;
}

export async function lockRefund(db: Executor, id: string): Promise<RefundRow | null> {
  const [row] = await db.select().from(refunds).where(eq(refunds.id, id)).for('update');
  return row ?? null;
}

export async function listRefundsOfPayment(db: Executor, paymentId: string): Promise<RefundRow[]> {
  return db.select().from(refunds).where(eq(refunds.paymentId, paymentId)).orderBy(asc(refunds.createdAt), asc(refunds.id));
}

export async function findRefund(db: Executor, orgId: string, id: string): Promise<RefundRow | null> {
  const [row] = await db.select().from(refunds).where(and(eq(refunds.orgId, orgId), eq(refunds.id, id)));
  return row ?? null;
}

/** Moves the payment's refunded (or being refunded) total; the CHECK keeps it within the payment's amount. */
export async function addToRefundedAmount(db: Executor, paymentId: string, delta: number): Promise<void> {
  await db.update(payments).set({ refundedAmount: sql`${payments.refundedAmount} + ${delta}::bigint` }).where(eq(payments.id, paymentId));
}
