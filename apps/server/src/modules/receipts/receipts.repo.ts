import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { receiptChains, receipts } = schema;
export type ReceiptRow = typeof receipts.$inferSelect;

export async function insertChain(db: Executor, row: { agentAccountId: string; orgId: string; headHash: string }) {
  await db.insert(receiptChains).values({ ...row, lastSeq: 0 });
}

/** Locks an agent's chain row (as an update would), for callers that must take it before other rows. */
export async function lockChain(db: Executor, agentAccountId: string): Promise<boolean> {
  const rows = await db.select({ id: receiptChains.agentAccountId }).from(receiptChains).where(eq(receiptChains.agentAccountId, agentAccountId)).for('no key update');
  return rows.length > 0;
}

/** Reserves the next seq of an agent's chain; the row lock is held until commit, so appends never interleave. */
export async function advanceChain(db: Executor, agentAccountId: string): Promise<{ seq: number; prevHash: string } | null> {
  const [row] = await db
    .update(receiptChains)
    .set({ lastSeq: sql`${receiptChains.lastSeq} + 1` })
    .where(eq(receiptChains.agentAccountId, agentAccountId))
    .returning({ seq: receiptChains.lastSeq, prevHash: receiptChains.headHash });
  return row ?? null;
}

export async function insertReceipt(db: Executor, row: typeof receipts.$inferInsert) {
  await db.insert(receipts).values(row);
  await db.update(receiptChains).set({ headHash: row.hash }).where(eq(receiptChains.agentAccountId, row.agentAccountId));
}

export async function findReceipt(db: Executor, orgId: string, id: string): Promise<ReceiptRow | null> {
  const [row] = await db.select().from(receipts).where(and(eq(receipts.orgId, orgId), eq(receipts.id, id)));
  return row ?? null;
}

export async function listChainReceipts(db: Executor, orgId: string, agentAccountId: string, afterSeq: number, limit: number, upToSeq?: number) {
  const conditions = [eq(receipts.orgId, orgId), eq(receipts.agentAccountId, agentAccountId), gt(receipts.seq, afterSeq)];
  if (upToSeq !== undefined) conditions.push(lte(receipts.seq, upToSeq));
  return db
    .select()
    .from(receipts)
    .where(and(...conditions))
    .orderBy(asc(receipts.seq))
    .limit(limit);
}

export async function listAllChains(db: Executor) {
  return db.select().from(receiptChains).orderBy(asc(receiptChains.agentAccountId));
}

export async function findChain(db: Executor, orgId: string, agentAccountId: string) {
  const [row] = await db.select().from(receiptChains).where(and(eq(receiptChains.orgId, orgId), eq(receiptChains.agentAccountId, agentAccountId)));
  return row ?? null;
}
