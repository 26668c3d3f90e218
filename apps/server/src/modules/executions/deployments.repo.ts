import { and, asc, desc, eq, inArray, lt, lte, ne } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { deployments } = schema;
export type DeploymentRow = typeof deployments.$inferSelect;

export async function insertDeployment(db: Executor, row: typeof deployments.$inferInsert): Promise<void> {
  await db.insert(deployments).values(row);
}

/** A deployment of the org that is not deleted; locked for a change when asked. */
export async function findDeployment(db: Executor, orgId: string, id: string, forUpdate = false): Promise<DeploymentRow | null> {
  const query = db.select().from(deployments).where(and(eq(deployments.id, id), eq(deployments.orgId, orgId), ne(deployments.status, 'deleted')));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

export async function findDeploymentById(db: Executor, id: string): Promise<DeploymentRow | null> {
  const [row] = await db.select().from(deployments).where(eq(deployments.id, id));
  return row ?? null;
}

export async function listDeployments(db: Executor, orgId: string, limit: number, filters: { startingAfter?: string | undefined; agentAccountId?: string | null; agentId?: string | undefined }) {
  const conditions = [eq(deployments.orgId, orgId), ne(deployments.status, 'deleted')];
  if (filters.startingAfter) conditions.push(lt(deployments.id, filters.startingAfter));
  if (filters.agentAccountId) conditions.push(eq(deployments.agentAccountId, filters.agentAccountId));
  if (filters.agentId) conditions.push(eq(deployments.agentId, filters.agentId));
  return db.select().from(deployments).where(and(...conditions)).orderBy(desc(deployments.id)).limit(limit + 1);
}

export async function updateDeployment(db: Executor, id: string, changes: Partial<Omit<DeploymentRow, 'id' | 'orgId'>>): Promise<DeploymentRow> {
  const [row] = await db.update(deployments).set(changes).where(eq(deployments.id, id)).returning();
  if (!row) throw new Error(`deployment ${id} vanished during an update`);
  return row;
}

/**
 * Locks the deployments, skipping those another worker holds: whoever holds a deployment's row lock is
 * the one starting its runs. NO KEY UPDATE, not UPDATE: it excludes other claimers all the same, but
 * not the KEY SHARE lock an execute takes while it inserts a run of the deployment, so a claim does
 * not skip a deployment (or block a new run's insert) just because a run of it is being queued.
 */
export async function lockDeploymentsForClaim(db: Executor, ids: string[]): Promise<{ id: string; maxConcurrency: number; status: string }[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: deployments.id, maxConcurrency: deployments.maxConcurrency, status: deployments.status })
    .from(deployments)
    .where(inArray(deployments.id, ids))
    .for('no key update', { skipLocked: true });
}

/** Subscriptions whose paid period has ended (or that wait for an approval), oldest first, locked (SKIP LOCKED). */
export async function lockDueSubscriptions(db: Executor, now: Date, limit: number, id?: string): Promise<DeploymentRow[]> {
  const conditions = [inArray(deployments.status, ['active', 'past_due']), lte(deployments.paidUntil, now)];
  if (id) conditions.push(eq(deployments.id, id));
  return db.select().from(deployments).where(and(...conditions)).orderBy(asc(deployments.paidUntil)).limit(limit).for('update', { skipLocked: true });
}
