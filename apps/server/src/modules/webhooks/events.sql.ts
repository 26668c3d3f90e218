import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@frameos/db';
import type { WebhookEvent } from './webhook-endpoints.schemas.ts';

/** An outbound event: `data` is the object exactly as the API returns it (e.g. the payment). */
export interface OutboundEvent {
  id: string;
  orgId: string;
  type: WebhookEvent;
  data: unknown;
  at: Date;
}

/** The webhook body, Standard Webhooks style: {"type","timestamp","data"}; stored once, delivered byte for byte. */
export function eventPayload(event: OutboundEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.at.toISOString(), data: event.data });
}

/**
 * A delivery's id is the event's ULID (so deliveries sort by event, also within one millisecond) plus
 * six characters of the endpoint's hash (so each endpoint's delivery of one event has its own id).
 *
 * Two data-modifying CTE bodies (`<prefix>_event`, `<prefix>_deliveries`) that write the event and one
 * pending delivery per enabled endpoint of the org subscribed to its type. Embedded in the statement
 * that makes the state change, the event commits with it or not at all, at no extra round trip
 * (docs/architecture.md, "Outbound events").
 */
export function enqueueEventCtes(prefix: string, event: OutboundEvent): SQL {
  const eventCte = sql.raw(`${prefix}_event`);
  return sql`${eventCte} as (
      insert into events (id, org_id, type, payload, created_at)
      values (${event.id}, ${event.orgId}, ${event.type}, ${eventPayload(event)}, ${event.at})
      returning id
    ), ${sql.raw(`${prefix}_deliveries`)} as (
      insert into webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, status, attempts, next_attempt_at, created_at)
      select 'msg_' || substr(${eventCte}.id, 5) || upper(substr(md5(e.id), 1, 6)), e.org_id, e.id, ${eventCte}.id, ${event.type}, 'pending', 0, ${event.at}, ${event.at}
      from webhook_endpoints e, ${eventCte}
      where e.org_id = ${event.orgId} and e.enabled and e.deleted_at is null and e.events ? ${event.type}::text
      returning 1
    )`;
}

/** Enqueues an event on its own, inside the caller's transaction (for paths that are not hot). */
export async function enqueueEvent(tx: Executor, event: OutboundEvent): Promise<void> {
  await tx.execute(sql`with ${enqueueEventCtes('e', event)} select (select count(*) from e_deliveries) as deliveries`);
}
