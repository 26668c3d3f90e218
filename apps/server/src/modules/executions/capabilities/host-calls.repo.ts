import { and, eq } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { executionHostCalls } = schema;
export type HostCallRow = typeof executionHostCalls.$inferSelect;
export interface HostCallKey { executionId: string; api: string; seq: number }

const matches = (key: HostCallKey) => and(eq(executionHostCalls.executionId, key.executionId), eq(executionHostCalls.api, key.api), eq(executionHostCalls.seq, key.seq));

export async function findHostCall(db: Executor, key: HostCallKey): Promise<HostCallRow | null> {
  const [row] = await db.select().from(executionHostCalls).where(matches(key));
  return row ?? null;
}

/** Records that the call is under way with its `reference`; an attempt that got there first keeps its row. Returns the row that stands. */
export async function startHostCall(db: Executor, key: HostCallKey, reference: string): Promise<HostCallRow> {
  const [inserted] = await db.insert(executionHostCalls).values({ ...key, status: 'started', reference }).onConflictDoNothing().returning();
  if (inserted) return inserted;
  const row = await findHostCall(db, key);
  if (!row) throw new Error(`host call ${key.executionId}/${key.api}/${key.seq} vanished`);
  return row;
}

/** The call returned `result` to the agent: a retry of the run is answered with it. */
export async function finishHostCall(db: Executor, key: HostCallKey, result: Record<string, unknown>): Promise<void> {
  await db.update(executionHostCalls).set({ status: 'done', result }).where(matches(key));
}

/** A call made in one transaction with its effect (a scheduled message, an enqueued event): recorded done at once. */
export async function insertDoneHostCall(db: Executor, key: HostCallKey, result: Record<string, unknown>, reference: string | null = null): Promise<void> {
  await db.insert(executionHostCalls).values({ ...key, status: 'done', reference, result });
}
