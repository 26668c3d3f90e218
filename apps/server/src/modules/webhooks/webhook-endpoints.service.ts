import { generateWebhookSecret, notFound } from '@frameos/domain';
import type { RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { toPage } from '../../lib/pagination.ts';
import { assertAdmin } from '../auth/principal.ts';
import { assertDeliverableUrl } from './delivery-target.ts';
import type { WebhookEvent } from './webhook-endpoints.schemas.ts';
import { findWebhookEndpoint, insertWebhookEndpoint, listWebhookEndpoints, updateWebhookEndpoint, type WebhookEndpointRow } from './webhook-endpoints.repo.ts';

function endpointDto(row: WebhookEndpointRow) {
  return {
    object: 'webhook_endpoint' as const,
    webhook_endpoint_id: row.id,
    id: row.id,
    url: row.url,
    events: row.events as WebhookEvent[],
    enabled: row.enabled,
    disabled_reason: row.disabledReason,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export async function createWebhookEndpoint(ctx: RequestContext, input: { url: string; events: string[] }) {
  assertAdmin(ctx.principal);
  await assertDeliverableUrl(input.url, ctx.app.config.env === 'production');
  const row: WebhookEndpointRow = {
    id: newId('webhook_endpoint'),
    orgId: ctx.principal.orgId,
    url: input.url,
    events: input.events,
    secret: generateWebhookSecret(),
    enabled: true,
    disabledReason: null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    deletedAt: null,
  };
  return inTransaction(ctx, async (tx) => {
    await insertWebhookEndpoint(tx, row);
    return { ...endpointDto(row), secret: row.secret };
  });
}

export async function getWebhookEndpoint(ctx: RequestContext, id: string) {
  assertAdmin(ctx.principal);
  const row = await findWebhookEndpoint(ctx.db, ctx.principal.orgId, id);
  if (!row) throw notFound('Webhook endpoint', id);
  return endpointDto(row);
}

export async function listWebhookEndpointsPage(ctx: RequestContext, limit: number, startingAfter?: string) {
  assertAdmin(ctx.principal);
  return toPage(await listWebhookEndpoints(ctx.db, ctx.principal.orgId, limit, startingAfter), limit, endpointDto);
}

export async function changeWebhookEndpoint(ctx: RequestContext, id: string, changes: { events?: string[] | undefined; enabled?: boolean | undefined }) {
  assertAdmin(ctx.principal);
  return inTransaction(ctx, async (tx) => {
    const row = await updateWebhookEndpoint(tx, ctx.principal.orgId, id, {
      ...(changes.events ? { events: changes.events } : {}),
      // Re-enabling clears the reason FrameOS disabled it for; pending deliveries resume.
      ...(changes.enabled !== undefined ? { enabled: changes.enabled, disabledReason: null } : {}),
      updatedAt: ctx.now,
    });
    if (!row) throw notFound('Webhook endpoint', id);
    return endpointDto(row);
  });
}

export async function deleteWebhookEndpoint(ctx: RequestContext, id: string) {
  assertAdmin(ctx.principal);
  return inTransaction(ctx, async (tx) => {
    // Soft delete: delivery attempts keep pointing at the endpoint they were made for.
    const row = await updateWebhookEndpoint(tx, ctx.principal.orgId, id, { deletedAt: ctx.now, enabled: false, updatedAt: ctx.now });
    if (!row) throw notFound('Webhook endpoint', id);
    return { webhook_endpoint_id: id, deleted: true };
  });
}

export async function rotateWebhookSecret(ctx: RequestContext, id: string) {
  assertAdmin(ctx.principal);
  return inTransaction(ctx, async (tx) => {
    const row = await updateWebhookEndpoint(tx, ctx.principal.orgId, id, { secret: generateWebhookSecret(), updatedAt: ctx.now });
    if (!row) throw notFound('Webhook endpoint', id);
    return { ...endpointDto(row), secret: row.secret };
  });
}
