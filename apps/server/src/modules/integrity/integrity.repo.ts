import { desc } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { integrityChecks } = schema;
export type IntegrityCheckRow = typeof integrityChecks.$inferSelect;

export async function insertIntegrityCheck(db: Executor, row: Omit<IntegrityCheckRow, 'id'>) {
  await db.insert(integrityChecks).values(row);
}

export async function latestIntegrityCheck(db: Executor): Promise<IntegrityCheckRow | null> {
  const [row] = await db.select().from(integrityChecks).orderBy(desc(integrityChecks.checkedAt)).limit(1);
  return row ?? null;
}
