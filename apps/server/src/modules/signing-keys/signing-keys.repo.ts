import { asc } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { signingKeys } = schema;

export async function upsertSigningKey(db: Executor, kid: string, publicJwk: Record<string, unknown>, now: Date) {
  await db.insert(signingKeys).values({ kid, publicJwk, createdAt: now }).onConflictDoNothing();
}

export async function listSigningKeys(db: Executor) {
  return db.select().from(signingKeys).orderBy(asc(signingKeys.createdAt));
}
