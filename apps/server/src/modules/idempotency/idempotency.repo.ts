import { and, eq, lte, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { idempotencyKeys } = schema;

/** A request's hold on its key: whose key it is, and the status its successful answer is stored with. */
export interface IdempotencyClaim {
  readonly scope: string;
  readonly key: string;
  readonly successStatus: number;
}

export type ClaimOutcome =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'reused' }
  | { kind: 'in_use' };

export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
/** A claim older than this with no response belongs to a process that died: it may be taken over. */
export const IDEMPOTENCY_LEASE_MS = 60 * 1000;

export async function claimIdempotencyKey(db: Executor, scope: string, key: string, requestHash: string, now: Date): Promise<ClaimOutcome> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const inserted = await db
      .insert(idempotencyKeys)
      .values({ principalId: scope, key, requestHash, state: 'in_flight', lockedUntil: new Date(now.getTime() + IDEMPOTENCY_LEASE_MS), createdAt: now })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length > 0) return { kind: 'claimed' };

    const [row] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.principalId, scope), eq(idempotencyKeys.key, key)));
    if (!row) continue;
    if (row.createdAt.getTime() <= now.getTime() - IDEMPOTENCY_RETENTION_MS) {
      await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.principalId, scope), eq(idempotencyKeys.key, key), eq(idempotencyKeys.createdAt, row.createdAt)));
      continue;
    }
    if (row.requestHash !== requestHash) return { kind: 'reused' };
    if (row.state === 'completed') return { kind: 'replay', status: row.responseStatus ?? 200, body: row.responseBody ?? '' };
    const taken = await db
      .update(idempotencyKeys)
      .set({ lockedUntil: new Date(now.getTime() + IDEMPOTENCY_LEASE_MS) })
      .where(and(eq(idempotencyKeys.principalId, scope), eq(idempotencyKeys.key, key), eq(idempotencyKeys.state, 'in_flight'), lte(idempotencyKeys.lockedUntil, now)))
      .returning({ key: idempotencyKeys.key });
    return taken.length > 0 ? { kind: 'claimed' } : { kind: 'in_use' };
  }
  return { kind: 'in_use' };
}

export async function completeIdempotencyKey(db: Executor, claim: IdempotencyClaim, status: number, body: string): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ state: 'completed', responseStatus: status, responseBody: body })
    .where(and(eq(idempotencyKeys.principalId, claim.scope), eq(idempotencyKeys.key, claim.key), eq(idempotencyKeys.state, 'in_flight')));
}

/** After a server error nothing was stored, so the client may retry with the same key. */
export async function releaseIdempotencyKey(db: Executor, claim: IdempotencyClaim): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principalId, claim.scope), eq(idempotencyKeys.key, claim.key), eq(idempotencyKeys.state, 'in_flight')));
}

export async function deleteExpiredIdempotencyKeys(db: Executor, now: Date): Promise<number> {
  const rows = await db
    .delete(idempotencyKeys)
    .where(sql`${idempotencyKeys.createdAt} < ${new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS)}`)
    .returning({ key: idempotencyKeys.key });
  return rows.length;
}
