import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { deploymentFiles } = schema;

/**
 * Serializes the quota checks of one deployment's store (`files` or `kv`) until the transaction
 * ends: a transaction-scoped advisory lock, so concurrent puts queue and cannot pass the quota
 * together, without locking the deployment row the execution queue claims with SKIP LOCKED.
 */
export async function lockDeploymentStore(tx: Executor, deploymentId: string, store: 'files' | 'kv' | 'scheduled_emails'): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`frameos.deployment_${store}:${deploymentId}`}, 0))`);
}

/** Bytes the deployment's files take, leaving out `exceptKey` (the file a put replaces). */
export async function filesUsage(db: Executor, deploymentId: string, exceptKey: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<string | number | null>`coalesce(sum(${deploymentFiles.size}), 0)` })
    .from(deploymentFiles)
    .where(and(eq(deploymentFiles.deploymentId, deploymentId), ne(deploymentFiles.key, exceptKey)));
  return Number(row?.total ?? 0);
}

export async function upsertFile(db: Executor, row: { deploymentId: string; key: string; sha256: string; size: number; updatedAt: Date }): Promise<void> {
  await db
    .insert(deploymentFiles)
    .values(row)
    .onConflictDoUpdate({ target: [deploymentFiles.deploymentId, deploymentFiles.key], set: { sha256: row.sha256, size: row.size, updatedAt: row.updatedAt } });
}

export async function findFile(db: Executor, deploymentId: string, key: string): Promise<{ sha256: string; size: number } | null> {
  const [row] = await db
    .select({ sha256: deploymentFiles.sha256, size: deploymentFiles.size })
    .from(deploymentFiles)
    .where(and(eq(deploymentFiles.deploymentId, deploymentId), eq(deploymentFiles.key, key)));
  return row ?? null;
}

/** Keys in byte order (collation "C"), those starting with `prefix` (no LIKE: `_` is a key character). */
export async function listFileKeys(db: Executor, deploymentId: string, prefix: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ key: deploymentFiles.key })
    .from(deploymentFiles)
    .where(and(eq(deploymentFiles.deploymentId, deploymentId), sql`starts_with(${deploymentFiles.key}, ${prefix})`))
    .orderBy(asc(sql`${deploymentFiles.key} collate "C"`))
    .limit(limit);
  return rows.map((r) => r.key);
}

export async function deleteFile(db: Executor, deploymentId: string, key: string): Promise<boolean> {
  const rows = await db
    .delete(deploymentFiles)
    .where(and(eq(deploymentFiles.deploymentId, deploymentId), eq(deploymentFiles.key, key)))
    .returning({ key: deploymentFiles.key });
  return rows.length > 0;
}
