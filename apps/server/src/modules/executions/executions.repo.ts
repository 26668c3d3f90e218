import { and, asc, count, desc, eq, gt, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { executions, executionLogs, executionCharges } = schema;
export type ExecutionRow = typeof executions.$inferSelect;
export type ExecutionStatusValue = ExecutionRow['status'];

export async function insertExecution(db: Executor, row: typeof executions.$inferInsert): Promise<void> {
  await db.insert(executions).values(row);
}

export async function findExecution(db: Executor, orgId: string, id: string, forUpdate = false): Promise<ExecutionRow | null> {
  const query = db.select().from(executions).where(and(eq(executions.id, id), eq(executions.orgId, orgId)));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

export async function lockExecutionById(db: Executor, id: string): Promise<ExecutionRow | null> {
  const [row] = await db.select().from(executions).where(eq(executions.id, id)).for('update');
  return row ?? null;
}

export async function listExecutions(db: Executor, orgId: string, limit: number, filters: { startingAfter?: string | undefined; deploymentId?: string | undefined; status?: ExecutionStatusValue | undefined; agentAccountId?: string | null }) {
  const conditions = [eq(executions.orgId, orgId)];
  if (filters.startingAfter) conditions.push(lt(executions.id, filters.startingAfter));
  if (filters.deploymentId) conditions.push(eq(executions.deploymentId, filters.deploymentId));
  if (filters.status) conditions.push(eq(executions.status, filters.status));
  if (filters.agentAccountId) conditions.push(eq(executions.agentAccountId, filters.agentAccountId));
  return db.select().from(executions).where(and(...conditions)).orderBy(desc(executions.id)).limit(limit + 1);
}

export async function updateExecution(db: Executor, id: string, changes: Partial<Omit<ExecutionRow, 'id' | 'orgId'>>): Promise<ExecutionRow> {
  const [row] = await db.update(executions).set(changes).where(eq(executions.id, id)).returning();
  if (!row) throw new Error(`execution ${id} vanished during an update`);
  return row;
}

/** Deployments with work due: queued runs, or running ones whose worker's lease ran out (`lapsed`: whether it has such runs). */
export async function deploymentsWithDueWork(db: Executor, now: Date, limit: number): Promise<{ deploymentId: string; lapsed: boolean }[]> {
  const lapsed = sql<boolean>`bool_or(${executions.status} = 'running')`;
  const rows = await db
    .select({ deploymentId: executions.deploymentId, lapsed })
    .from(executions)
    .where(sql`(${executions.status} = 'queued' or (${executions.status} = 'running' and ${executions.lockedUntil} < ${now}))`)
    .groupBy(executions.deploymentId)
    .limit(limit);
  return rows.map((r) => ({ deploymentId: r.deploymentId, lapsed: r.lapsed !== false }));
}

/** Runs of a deployment that hold a live lease (counted against its max_concurrency). */
export async function countLiveRuns(db: Executor, deploymentId: string, now: Date): Promise<number> {
  const [row] = await db.select({ n: count() }).from(executions).where(and(eq(executions.deploymentId, deploymentId), eq(executions.status, 'running'), gt(executions.lockedUntil, now)));
  return Number(row?.n ?? 0);
}

/** Running executions of a deployment whose worker lost its lease (it died or stalled). */
export async function lockLapsedRuns(db: Executor, deploymentId: string, now: Date): Promise<ExecutionRow[]> {
  return db.select().from(executions)
    .where(and(eq(executions.deploymentId, deploymentId), eq(executions.status, 'running'), lte(executions.lockedUntil, now)))
    .for('update', { skipLocked: true });
}

/**
 * Claims up to `limit` queued runs of a deployment, oldest first: running, leased until `until`,
 * attempt counted. The caller holds the deployment's lock, so no other worker claims for it now.
 */
export async function claimQueuedRuns(db: Executor, deploymentId: string, limit: number, now: Date, until: Date): Promise<ExecutionRow[]> {
  if (limit <= 0) return [];
  const due = db.select({ id: executions.id }).from(executions)
    .where(and(eq(executions.deploymentId, deploymentId), eq(executions.status, 'queued')))
    .orderBy(asc(executions.createdAt), asc(executions.id)).limit(limit).for('update', { skipLocked: true });
  return db.update(executions)
    .set({ status: 'running', lockedUntil: until, attempts: sql`${executions.attempts} + 1`, startedAt: sql`coalesce(${executions.startedAt}, ${now})` })
    .where(inArray(executions.id, due))
    .returning();
}

/**
 * Extends the leases of a worker's runs that are still running under the attempt it claimed; a run
 * another worker re-claimed since (a later attempt) keeps that worker's lease, which a stale worker
 * must not extend (if the new worker died, its run would wait a lease longer to be recovered).
 */
export async function renewLeases(db: Executor, runs: { id: string; attempt: number }[], until: Date): Promise<string[]> {
  if (runs.length === 0) return [];
  const rows = await db.update(executions).set({ lockedUntil: until })
    .where(and(eq(executions.status, 'running'), or(...runs.map((r) => and(eq(executions.id, r.id), eq(executions.attempts, r.attempt))))))
    .returning({ id: executions.id });
  return rows.map((r) => r.id);
}

/** Gives runs back to the queue (a stopping worker): queued, unleased, the attempt not counted — only while still that attempt's. */
export async function requeueRuns(db: Executor, runs: { id: string; attempt: number }[]): Promise<string[]> {
  const handedBack: string[] = [];
  for (const run of runs) {
    const rows = await db.update(executions).set({ status: 'queued', lockedUntil: null, attempts: sql`${executions.attempts} - 1` })
      .where(and(eq(executions.id, run.id), eq(executions.status, 'running'), eq(executions.attempts, run.attempt)))
      .returning({ id: executions.id });
    handedBack.push(...rows.map((r) => r.id));
  }
  return handedBack;
}

export async function awaitingApproval(db: Executor, limit: number): Promise<{ id: string; mandateId: string | null }[]> {
  return db.select({ id: executions.id, mandateId: executions.mandateId }).from(executions).where(eq(executions.status, 'awaiting_approval')).orderBy(asc(executions.createdAt)).limit(limit);
}

export async function insertLogLines(db: Executor, executionId: string, lines: { seq: number; level: string; message: string; at: Date }[]): Promise<void> {
  if (lines.length === 0) return;
  await db.insert(executionLogs).values(lines.map((l) => ({ executionId, ...l }))).onConflictDoNothing();
}

export async function listLogLines(db: Executor, executionId: string, after: number, limit: number) {
  return db.select().from(executionLogs).where(and(eq(executionLogs.executionId, executionId), gt(executionLogs.seq, after))).orderBy(asc(executionLogs.seq)).limit(limit + 1);
}

/** Records one ctx.charge call; a retried run repeating the same call (same seq) is not recorded twice. */
export async function insertCharge(db: Executor, charge: { executionId: string; seq: number; units: number; event: string | null; at: Date }): Promise<void> {
  await db.insert(executionCharges).values(charge).onConflictDoNothing();
}

export async function chargedUnits(db: Executor, executionId: string): Promise<number> {
  const [row] = await db.select({ units: sql<string>`coalesce(sum(${executionCharges.units}), 0)` }).from(executionCharges).where(eq(executionCharges.executionId, executionId));
  return Number(row?.units ?? 0);
}
