import { and, asc, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';
import { rowsOf } from '../../../lib/sql-values.ts';

const { scheduledEmails, deployments } = schema;
export type ScheduledEmailRow = typeof scheduledEmails.$inferSelect;

/**
 * The deployment's status, its row held with FOR KEY SHARE until the transaction ends: a concurrent
 * DELETE /deployments/:id (which locks the row FOR UPDATE before it cancels the pending messages)
 * waits for this insert to commit, or this waits for the delete and reads `deleted`. KEY SHARE does
 * not conflict with the execution queue's NO KEY UPDATE claim lock.
 */
export async function lockDeploymentForSchedule(tx: Executor, deploymentId: string): Promise<string | null> {
  const [row] = await tx.select({ status: deployments.status }).from(deployments).where(eq(deployments.id, deploymentId)).for('key share');
  return row?.status ?? null;
}

export async function countPending(db: Executor, deploymentId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(scheduledEmails).where(and(eq(scheduledEmails.deploymentId, deploymentId), eq(scheduledEmails.status, 'scheduled')));
  return Number(row?.n ?? 0);
}

export async function insertScheduledEmail(db: Executor, row: typeof scheduledEmails.$inferInsert): Promise<void> {
  await db.insert(scheduledEmails).values(row);
}

/**
 * Claims due messages: each gets a lease and its attempt counted. SKIP LOCKED lets several workers
 * claim side by side without taking the same row; the lease keeps a claimed row from every other
 * worker until it lapses. Messages of a deleted deployment are never claimed (they are cancelled
 * with it; this is the second guard).
 */
export async function claimDueEmails(db: Executor, now: Date, leaseMs: number, limit: number): Promise<ScheduledEmailRow[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const result = await db.execute(sql`
    with due as (
      select s.id from scheduled_emails s
      join deployments d on d.id = s.deployment_id
      where s.status = 'scheduled' and s.next_attempt_at <= ${now} and (s.locked_until is null or s.locked_until <= ${now})
        and d.status <> 'deleted'
      order by s.next_attempt_at
      limit ${limit}
      for update of s skip locked
    )
    update scheduled_emails s set locked_until = ${leaseUntil}, attempts = s.attempts + 1
    from due where s.id = due.id
    returning s.id`);
  const ids = rowsOf(result).map((r) => String(r.id));
  if (ids.length === 0) return [];
  return db.select().from(scheduledEmails).where(inArray(scheduledEmails.id, ids)).orderBy(asc(scheduledEmails.nextAttemptAt));
}

/**
 * Ends an attempt, only while it is still this worker's (same attempt number). A message cancelled
 * while its send was under way is recorded `sent` when the send succeeded (it was), and stays
 * `cancelled` otherwise.
 */
export async function finishEmailAttempt(db: Executor, id: string, attempt: number, changes: Partial<ScheduledEmailRow>): Promise<boolean> {
  const from = changes.status === 'sent' ? sql`${scheduledEmails.status} in ('scheduled','cancelled')` : eq(scheduledEmails.status, 'scheduled');
  const rows = await db.update(scheduledEmails).set({ ...changes, lockedUntil: null })
    .where(and(eq(scheduledEmails.id, id), eq(scheduledEmails.attempts, attempt), from))
    .returning({ id: scheduledEmails.id });
  return rows.length === 1;
}

/** Cancels every message of the deployment still waiting (DELETE /deployments/:id, in its transaction). */
export async function cancelPendingEmails(db: Executor, deploymentId: string, now: Date): Promise<number> {
  const rows = await db.update(scheduledEmails).set({ status: 'cancelled', cancelledAt: now, lockedUntil: null })
    .where(and(eq(scheduledEmails.deploymentId, deploymentId), eq(scheduledEmails.status, 'scheduled')))
    .returning({ id: scheduledEmails.id });
  return rows.length;
}

/** The deployment's messages, newest first (keyset on the id). */
export async function listScheduledEmails(db: Executor, deploymentId: string, limit: number, startingAfter?: string): Promise<ScheduledEmailRow[]> {
  const conditions = [eq(scheduledEmails.deploymentId, deploymentId)];
  if (startingAfter) conditions.push(lt(scheduledEmails.id, startingAfter));
  return db.select().from(scheduledEmails).where(and(...conditions)).orderBy(desc(scheduledEmails.id)).limit(limit + 1);
}
