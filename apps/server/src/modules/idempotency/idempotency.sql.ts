import { sql, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../../context.ts';

/** The response a hot-path statement stores for the request's Idempotency-Key, in the same statement as the effect. */
export interface StoredResponse {
  scope: string;
  key: string;
  status: number;
  body: string;
}

/** What the request's statement must store, or null when the request carries no Idempotency-Key. */
export function storedResponseFor(ctx: RequestContext, response: unknown): StoredResponse | null {
  const claim = ctx.idempotency;
  return claim ? { scope: claim.scope, key: claim.key, status: claim.successStatus, body: JSON.stringify(response) } : null;
}

/** A data-modifying CTE body that completes the idempotency record (no row when there is none). */
export function completeIdempotencySql(response: StoredResponse | null): SQL {
  return sql`update idempotency_keys set state = 'completed', response_status = ${response?.status ?? null}::int, response_body = ${response?.body ?? null}::text
      where principal_id = ${response?.scope ?? null}::text and key = ${response?.key ?? null}::text and state = 'in_flight'
      returning 1`;
}
