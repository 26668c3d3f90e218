import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { webhookEndpoints } = schema;
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

export async function insertWebhookEndpoint(db: Executor, row: WebhookEndpointRow) {
  await db.insert(webhookEndpoints).values(row);
}

export async function findWebhookEndpoint(db: Executor, orgId: string, id: string): Promise<WebhookEndpointRow | null> {
  const [row] = await db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id), isNull(webhookEndpoints.deletedAt)));
  return row ?? null;
}

export async function updateWebhookEndpoint(db: Executor, orgId: string, id: string, changes: Partial<Pick<WebhookEndpointRow, 'events' | 'enabled' | 'disabledReason' | 'secret' | 'updatedAt' | 'deletedAt'>>) {
  const rows = await db
    .update(webhookEndpoints)
    .set(changes)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id), isNull(webhookEndpoints.deletedAt)))
    .returning();
  return rows[0] ?? null;
}

export async function listWebhookEndpoints(db: Executor, orgId: string, limit: number, startingAfter?: string) {
  const conditions = [eq(webhookEndpoints.orgId, orgId), isNull(webhookEndpoints.deletedAt)];
  if (startingAfter) conditions.push(lt(webhookEndpoints.id, startingAfter));
  return db.select().from(webhookEndpoints).where(and(...conditions)).orderBy(desc(webhookEndpoints.id)).limit(limit + 1);
}
