import { sql } from 'drizzle-orm';
import type { Executor } from '@frameos/db';

/** Whether the database answers a trivial query now. */
export async function databaseAnswers(db: Executor): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
