import { and, asc, eq, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { refunds } = schema;
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

/** Refunds of a payment by status, oldest first, locked (a webhook completes them in order). */
export async function lockRefundsOfPayment(db: Executor, paymentId: string) {
  return db.select().from(refunds).where(eq(refunds.paymentId, paymentId)).orderBy(refunds.createdAt, refunds.id).for('update');
}

export async function succeededRefundTotal(db: Executor, paymentId: string): Promise<number> {
  const [row] = await db.select({ total: sql<string>`coalesce(sum(${refunds.amount}), 0)` }).from(refunds).where(and(eq(refunds.paymentId, paymentId), eq(refunds.status, 'succeeded')));
  return Number(row?.total ?? 0);
}
