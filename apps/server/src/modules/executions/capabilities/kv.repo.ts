import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { deploymentKv } = schema;

/** Bytes the deployment's KV values take (as JSON), leaving out `exceptKey` (the entry a put replaces). */
export async function kvUsage(db: Executor, deploymentId: string, exceptKey: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<string | number | null>`coalesce(sum(${deploymentKv.size}), 0)` })
    .from(deploymentKv)
    .where(and(eq(deploymentKv.deploymentId, deploymentId), ne(deploymentKv.key, exceptKey)));
  return Number(row?.total ?? 0);
}

export async function upsertKv(db: Executor, row: { deploymentId: string; key: string; value: unknown; size: number; updatedAt: Date }): Promise<void> {
  await db
    .insert(deploymentKv)
    .values(row)
    .onConflictDoUpdate({ target: [deploymentKv.deploymentId, deploymentKv.key], set: { value: row.value, size: row.size, updatedAt: row.updatedAt } });
}

export async function findKv(db: Executor, deploymentId: string, key: string): Promise<{ value: unknown } | null> {
  const [row] = await db
    .select({ value: deploymentKv.value })
    .from(deploymentKv)
    .where(and(eq(deploymentKv.deploymentId, deploymentId), eq(deploymentKv.key, key)));
  return row ?? null;
}

/** Keys in byte order (collation "C"), those starting with `prefix` (no LIKE: `_` is a key character). */
export async function listKvKeys(db: Executor, deploymentId: string, prefix: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ key: deploymentKv.key })
    .from(deploymentKv)
    .where(and(eq(deploymentKv.deploymentId, deploymentId), sql`starts_with(${deploymentKv.key}, ${prefix})`))
    .orderBy(asc(sql`${deploymentKv.key} collate "C"`))
    .limit(limit);
  return rows.map((r) => r.key);
}

export async function deleteKv(db: Executor, deploymentId: string, key: string): Promise<boolean> {
  const rows = await db
    .delete(deploymentKv)
    .where(and(eq(deploymentKv.deploymentId, deploymentId), eq(deploymentKv.key, key)))
    .returning({ key: deploymentKv.key });
  return rows.length > 0;
}
