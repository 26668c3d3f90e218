import { and, desc, eq, lt } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { vendors } = schema;
export type VendorRow = typeof vendors.$inferSelect;

export async function insertVendor(db: Executor, row: typeof vendors.$inferInsert) {
  await db.insert(vendors).values(row);
}

export async function insertVendorIfMissing(db: Executor, row: typeof vendors.$inferInsert) {
  await db.insert(vendors).values(row).onConflictDoNothing();
}

export async function findVendorBySlug(db: Executor, orgId: string, vendorId: string): Promise<VendorRow | null> {
  const [row] = await db.select().from(vendors).where(and(eq(vendors.orgId, orgId), eq(vendors.vendorId, vendorId)));
  return row ?? null;
}

export async function listVendors(db: Executor, orgId: string, limit: number, startingAfter?: string) {
  const where = startingAfter ? and(eq(vendors.orgId, orgId), lt(vendors.id, startingAfter)) : eq(vendors.orgId, orgId);
  return db.select().from(vendors).where(where).orderBy(desc(vendors.id)).limit(limit + 1);
}
