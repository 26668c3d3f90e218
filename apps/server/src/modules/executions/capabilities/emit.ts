import { z } from 'zod';
import type { AppContext } from '../../../context.ts';
import { newId } from '../../../lib/ids.ts';
import { enqueueEvent } from '../../webhooks/events.sql.ts';
import { retryingTransaction } from '../../../lib/transaction.ts';
import { CapabilityError, type CapabilityHandler } from '../run-host.ts';
import { findHostCall, insertDoneHostCall, type HostCallKey } from './host-calls.repo.ts';
import { jsonSize, KiB, parseArgs, requireCapability } from './support.ts';

/**
 * `ctx.emit(type, data)` (capability `webhook`): an outbound `agent.event` to the deploying org's
 * webhook endpoints subscribed to it, through the webhook queue (`webhooks/events.sql.ts`).
 */
export const EMIT_DATA_MAX_BYTES = 64 * KiB;
export const EMITS_PER_RUN = 100;

const ArgsSchema = z.tuple([z.string().regex(/^[a-z0-9_.-]{1,64}$/, 'an event type is 1–64 characters of a-z, 0-9 and _ . -'), z.unknown().optional()]).rest(z.unknown());

/**
 * Emits per execution, in this process. An entry is kept for as long as a run can last (the runtime's
 * maximum timeout and a margin), then dropped. A run retried in another process after a lost worker
 * starts counting again.
 */
const counts = new WeakMap<AppContext, Map<string, { count: number; first: number }>>();

function takeEmit(app: AppContext, executionId: string, perRunLimit: number): boolean {
  const now = app.clock().getTime();
  let perRun = counts.get(app);
  if (!perRun) counts.set(app, (perRun = new Map()));
  if (perRun.size > 10_000) {
    const horizon = app.config.runtime.maxTimeoutMs + 60_000;
    for (const [id, entry] of perRun) if (now - entry.first > horizon) perRun.delete(id);
  }
  const entry = perRun.get(executionId);
  if (!entry) {
    perRun.set(executionId, { count: 1, first: now });
    return true;
  }
  if (entry.count >= perRunLimit) return false;
  entry.count++;
  return true;
}

/** The `emit` handler with a per-run limit (tests lower it); `emitCapability` has the default. */
export function createEmitCapability(perRunLimit = EMITS_PER_RUN): CapabilityHandler {
  return async (app, facts, args, seq) => {
    requireCapability(facts, 'ctx.emit', 'webhook');
    const [type, rawData] = parseArgs(ArgsSchema, args, 'ctx.emit');
    const data = rawData === undefined ? null : rawData;
    const size = jsonSize(data);
    if (size === null) throw new CapabilityError('invalid_arguments', 'ctx.emit: data must be JSON.');
    if (size > EMIT_DATA_MAX_BYTES) throw new CapabilityError('event_too_large', `ctx.emit: data is larger than ${EMIT_DATA_MAX_BYTES / KiB} KiB as JSON.`);
    // The same call of an earlier attempt of this run (lost worker) enqueued its event already.
    const key: HostCallKey = { executionId: facts.executionId, api: 'emit', seq };
    const previous = await findHostCall(app.database.db, key);
    if (previous?.status === 'done' && previous.result) return previous.result;
    if (!takeEmit(app, facts.executionId, perRunLimit)) throw new CapabilityError('emit_rate_limited', `ctx.emit: at most ${perRunLimit} events per run.`);
    const id = newId('event');
    const result = { event_id: id };
    // The event and its record commit together: a retry finds the record, or neither exists.
    await retryingTransaction(app.database.db, async (tx) => {
      await enqueueEvent(tx, {
        id,
        orgId: facts.orgId,
        type: 'agent.event',
        data: { execution_id: facts.executionId, deployment_id: facts.deploymentId, agent_id: facts.agentId, type, data },
        at: app.clock(),
      });
      await insertDoneHostCall(tx, key, result);
    });
    return result;
  };
}

export const emitCapability: CapabilityHandler = createEmitCapability();
