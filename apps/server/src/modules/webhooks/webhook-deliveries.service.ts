import type { Executor } from '@frameos/db';
import { notFound } from '@frameos/domain';
import type { RequestContext } from '../../context.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { assertAdmin } from '../auth/principal.ts';
import { findWebhookEndpoint } from './webhook-endpoints.repo.ts';
import { countPendingDeliveries, type DeliveryAttemptRow, type DeliveryRow, findDelivery, listAttempts, listDeliveries, replayDelivery } from './webhook-deliveries.repo.ts';

function deliveryDto(row: DeliveryRow, attempts: DeliveryAttemptRow[]) {
  return {
    object: 'webhook_delivery' as const,
    delivery_id: row.id,
    id: row.id,
    webhook_endpoint_id: row.endpointId,
    event_id: row.eventId,
    event_type: row.eventType,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    last_response_status: row.lastResponseStatus,
    last_error: row.lastError,
    created_at: row.createdAt.toISOString(),
    completed_at: row.completedAt?.toISOString() ?? null,
    attempt_log: attempts.filter((a) => a.deliveryId === row.id).map((a) => ({
      attempt: a.attempt, attempted_at: a.attemptedAt.toISOString(), response_status: a.responseStatus, error: a.error, duration_ms: a.durationMs,
    })),
  };
}

async function requireEndpoint(ctx: RequestContext, endpointId: string) {
  assertAdmin(ctx.principal);
  const endpoint = await findWebhookEndpoint(ctx.db, ctx.principal.orgId, endpointId);
  if (!endpoint) throw notFound('Webhook endpoint', endpointId);
  return endpoint;
}

/** Every delivery to the endpoint, newest first, each with the log of its attempts. */
export async function listDeliveriesPage(ctx: RequestContext, endpointId: string, limit: number, startingAfter?: string) {
  await requireEndpoint(ctx, endpointId);
  const rows = await listDeliveries(ctx.db, endpointId, limit, startingAfter);
  const page = rows.slice(0, limit);
  const attempts = await listAttempts(ctx.db, page.map((r) => r.id));
  return { object: 'list' as const, data: page.map((r) => deliveryDto(r, attempts)), has_more: rows.length > limit };
}

/** Sends a delivery again now (e.g. after fixing the receiver), whatever its state. */
export async function replayWebhookDelivery(ctx: RequestContext, endpointId: string, deliveryId: string) {
  await requireEndpoint(ctx, endpointId);
  return inTransaction(ctx, async (tx) => {
    const existing = await findDelivery(tx, endpointId, deliveryId);
    if (!existing) throw notFound('Delivery', deliveryId);
    const row = await replayDelivery(tx, deliveryId, ctx.now);
    return deliveryDto(row, await listAttempts(tx, [row.id]));
  });
}

/** Deliveries waiting across every org, for the operator's metrics. */
export async function pendingDeliveryCount(db: Executor): Promise<number> {
  return countPendingDeliveries(db);
}
