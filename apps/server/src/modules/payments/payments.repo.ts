import { and, asc, count, desc, eq, isNotNull, lt, ne, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { payments } = schema;
export type PaymentRow = typeof payments.$inferSelect;

export async function insertPayment(db: Executor, row: typeof payments.$inferInsert) {
  await db.insert(payments).values(row);
}

export async function findPayment(db: Executor, orgId: string, id: string): Promise<PaymentRow | null> {
  const [row] = await db.select().from(payments).where(and(eq(payments.orgId, orgId), eq(payments.id, id)));
  return row ?? null;
}

export async function listPayments(db: Executor, orgId: string, limit: number, startingAfter?: string, agentAccountId?: string) {
  const conditions = [eq(payments.orgId, orgId)];
  if (startingAfter) conditions.push(lt(payments.id, startingAfter));
  if (agentAccountId) conditions.push(eq(payments.agentAccountId, agentAccountId));
  return db.select().from(payments).where(and(...conditions)).orderBy(desc(payments.id)).limit(limit + 1);
}

/** Locks a payment row; every change of its status happens under this lock. */
export async function lockPayment(db: Executor, id: string): Promise<PaymentRow | null> {
  const [row] = await db.select().from(payments).where(eq(payments.id, id)).for('update');
  return row ?? null;
}

export async function lockPaymentByRailReference(db: Executor, rail: string, reference: string): Promise<PaymentRow | null> {
  const [row] = await db.select().from(payments).where(and(eq(payments.rail, rail), eq(payments.railReference, reference))).for('update');
  return row ?? null;
}

export async function updatePayment(db: Executor, id: string, changes: Partial<Omit<PaymentRow, 'id' | 'orgId'>>): Promise<PaymentRow> {
  const [row] = await db.update(payments).set(changes).where(eq(payments.id, id)).returning();
  if (!row) throw new Error(`payment ${id} vanished`);
  return row;
}

/** Pending payments on external rails older than `before`: the reconciliation job's work list. */
export async function listPendingRailPayments(db: Executor, before: Date, limit: number): Promise<PaymentRow[]> {
  return db.select().from(payments)
    .where(and(eq(payments.status, 'pending'), ne(payments.rail, 'ledger'), lt(payments.createdAt, before)))
    .orderBy(asc(payments.createdAt)).limit(limit);
}

/** Work waiting across every org (for /metrics): payments still pending, and payments a human must look at. */
export async function countPaymentBacklog(db: Executor): Promise<{ pending: number; needingAttention: number }> {
  const [pending] = await db.select({ n: count() }).from(payments).where(eq(payments.status, 'pending'));
  const [attention] = await db.select({ n: count() }).from(payments).where(isNotNull(payments.attentionReason));
  return { pending: Number(pending?.n ?? 0), needingAttention: Number(attention?.n ?? 0) };
}

/** Moves the payment's refunded (or being refunded) total; the CHECK keeps it within the payment's amount. */
export async function addToRefundedAmount(db: Executor, paymentId: string, delta: number): Promise<void> {
  await db.update(payments).set({ refundedAmount: sql`${payments.refundedAmount} + ${delta}::bigint` }).where(eq(payments.id, paymentId));
}
