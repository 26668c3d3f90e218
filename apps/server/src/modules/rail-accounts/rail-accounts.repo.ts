import { and, eq } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { railAccounts } = schema;
export type RailAccountRow = typeof railAccounts.$inferSelect;

export async function findRailAccount(db: Executor, orgId: string, rail: string): Promise<RailAccountRow | null> {
  const [row] = await db.select().from(railAccounts).where(and(eq(railAccounts.orgId, orgId), eq(railAccounts.rail, rail)));
  return row ?? null;
}

export async function upsertRailAccount(db: Executor, row: RailAccountRow): Promise<void> {
  await db.insert(railAccounts).values(row).onConflictDoUpdate({ target: [railAccounts.orgId, railAccounts.rail], set: { settings: row.settings, updatedAt: row.updatedAt } });
}

export async function listRailAccounts(db: Executor, orgId: string): Promise<RailAccountRow[]> {
  return db.select().from(railAccounts).where(eq(railAccounts.orgId, orgId)).orderBy(railAccounts.rail);
}
