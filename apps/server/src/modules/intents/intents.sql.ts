import { sql, type SQL } from 'drizzle-orm';
import { INTENT_TRANSITIONS, type IntentTransition } from '@frameos/domain';

/**
 * A data-modifying CTE body that applies a named intent transition, guarded by its `from` states
 * (one row when it applied, none otherwise), for a hot-path statement of another module to embed
 * (issuing a mandate, settling a payment) at no extra round trip.
 */
export function moveIntentSql(intentId: string, transition: IntentTransition): SQL {
  const { from, to } = INTENT_TRANSITIONS[transition];
  return sql`update purchase_intents set status = ${to} where id = ${intentId} and status in ${[...from]} returning 1`;
}
