import { DomainError, usageCost } from '@frameos/domain';
import type { AppContext } from '../../context.ts';
import type { HostApi, HostCall } from '@frameos/sandbox';
import { chargedUnits, insertCharge } from './executions.repo.ts';

/** What the host side of a run knows about it. */
export interface RunFacts {
  executionId: string;
  orgId: string;
  deploymentId: string;
  agentId: string;
  allowedHosts: string[];
  unitPrice: number;
  heldAmount: number;
  capabilities: string[];
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  /** When the run's time is up (epoch ms, by the app's clock): a capability's own time box ends no later. */
  deadlineMs?: number | undefined;
}

/** A capability call the host refuses: the agent's promise rejects with this message and code. */
export class CapabilityError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/**
 * `seq` numbers the run's calls of one API in the order it makes them (1, 2, …): a run retried after
 * a lost worker repeats the same numbers, so a handler whose effect must happen once (email, emit)
 * answers a number it has seen with what it returned the first time.
 */
export type CapabilityHandler = (app: AppContext, facts: RunFacts, args: unknown[], seq: number) => Promise<unknown>;

/** The host APIs other than `charge` (fetch, email, storage, kv, emit, browser), by name; the worker is given them. */
export type CapabilityHandlers = Partial<Record<Exclude<HostApi, 'charge'>, CapabilityHandler>>;

/**
 * The host side of one run: every capability call arrives here as JSON (the sandbox lets through
 * only the APIs of the manifest's capabilities). `charge` is numbered per call in the order the run
 * makes them: a run retried after a lost worker repeats the same numbers, so a unit is never
 * recorded twice, and the total may never pass what was held.
 */
export function buildRunHost(app: AppContext, facts: RunFacts, handlers: CapabilityHandlers): (call: HostCall) => Promise<unknown> {
  const seqs = new Map<HostApi, number>();
  const next = (api: HostApi) => {
    const seq = (seqs.get(api) ?? 0) + 1;
    seqs.set(api, seq);
    return seq;
  };
  return async (call) => {
    if (call.api === 'charge') return charge(app, facts, next('charge'), call.args);
    const handler = handlers[call.api];
    if (!handler) throw new CapabilityError('capability_unavailable', `${call.api} is not available on this server.`);
    return handler(app, facts, call.args, next(call.api));
  };
}

async function charge(app: AppContext, facts: RunFacts, seq: number, args: unknown[]): Promise<{ units: number; total_units: number }> {
  const [units, options] = args;
  if (typeof units !== 'number' || !Number.isSafeInteger(units) || units <= 0) throw new CapabilityError('invalid_charge', 'ctx.charge(units): units must be a positive whole number.');
  const event = typeof options === 'object' && options !== null && typeof (options as { event?: unknown }).event === 'string' ? String((options as { event: string }).event).slice(0, 200) : null;
  const db = app.database.db;
  const before = await chargedUnits(db, facts.executionId);
  let cost: number;
  try {
    cost = usageCost(before + units, facts.unitPrice);
  } catch (err) {
    if (err instanceof DomainError) throw new CapabilityError('charge_exceeds_hold', err.message);
    throw err;
  }
  if (cost > facts.heldAmount) {
    throw new CapabilityError('charge_exceeds_hold', `Charging ${units} more units would cost ${cost}, more than the ${facts.heldAmount} held for this run (max_charge).`);
  }
  await insertCharge(db, { executionId: facts.executionId, seq, units, event, at: app.clock() });
  return { units, total_units: await chargedUnits(db, facts.executionId) };
}
