import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { summarizeLatencies, type LatencySummary } from './load.ts';

/** A local endpoint for outbound webhooks: answers 200 at once and notes when each event id arrived. */
export interface DeliveryReceiver {
  /** e.g. http://127.0.0.1:54321/webhooks (what the endpoint is registered with). */
  url: string;
  /** Arrival times (ms since the epoch, sub-millisecond) per `webhook-id` header (the event id). */
  arrivals: Map<string, number[]>;
  requests(): number;
  close(): Promise<void>;
}

const wallClockMs = () => performance.timeOrigin + performance.now();

export async function startDeliveryReceiver(): Promise<DeliveryReceiver> {
  const arrivals = new Map<string, number[]>();
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const at = wallClockMs();
      requests++;
      const id = req.headers['webhook-id'];
      if (typeof id === 'string') {
        const seen = arrivals.get(id);
        if (seen) seen.push(at);
        else arrivals.set(id, [at]);
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    arrivals,
    requests: () => requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Where synthetic events go: an org, its endpoint, and the payload every event carries. */
export interface DeliveryTarget {
  databaseUrl: string;
  orgId: string;
  endpointId: string;
  /** A real `payment.settled` payload (from a payment made through the API), stored for each event. */
  payload: string;
}

export interface DeliveryPhaseResult {
  phase: string;
  events: number;
  /** Events enqueued per second in a paced phase; null for a burst (all in one statement). */
  offeredPerSecond: number | null;
  /** How long the enqueueing took: the one INSERT of a burst, or the pacing loop. */
  enqueueMs: number;
  /** From the first event's created_at to the last first arrival at the receiver. */
  spanSeconds: number;
  deliveriesPerSecond: number;
  /** First arrival at the receiver − the event's created_at, per event. */
  latencyMs: LatencySummary;
  /** Events the receiver got more than once. */
  duplicates: number;
  /** Deliveries that needed more than one attempt, or failed. */
  retried: number;
  failed: number;
  /** Events that never arrived before the wait gave up. */
  missing: number;
}

/**
 * Enqueues `count` events with one pending delivery each to the endpoint, in one statement, the way
 * the server's own enqueue does (event row, then a delivery row due now), created_at = clock_timestamp().
 */
async function enqueue(client: pg.Client, target: DeliveryTarget, idPrefix: string, firstIndex: number, count: number): Promise<void> {
  await client.query(`
    with ev as (
      insert into events (id, org_id, type, payload, created_at)
      select $1::text || lpad(g::text, 9, '0'), $2::text, 'payment.settled', $3::text, clock_timestamp()
      from generate_series($4::int, $4::int + $5::int - 1) g
      returning id, org_id, created_at
    )
    insert into webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, status, attempts, next_attempt_at, created_at)
    select 'msg_' || replace(gen_random_uuid()::text, '-', ''), ev.org_id, $6::text, ev.id, 'payment.settled', 'pending', 0, ev.created_at, ev.created_at
    from ev`, [idPrefix, target.orgId, target.payload, firstIndex, count, target.endpointId]);
}

const WAIT_POLL_MS = 20;

async function waitForArrivals(receiver: DeliveryReceiver, ids: readonly string[], timeoutMs: number, check: () => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let arrived = 0;
  while (Date.now() < deadline) {
    check();
    while (arrived < ids.length && receiver.arrivals.has(ids[arrived]!)) arrived++;
    if (arrived === ids.length) return;
    await sleep(WAIT_POLL_MS);
  }
}

export interface DeliveryPlan {
  phase: string;
  events: number;
  /** Omitted: a burst (every event in one statement). Set: that many events per second, spread evenly. */
  perSecond?: number;
  /** Gives up waiting for arrivals after this long (the missing ones are reported). */
  timeoutMs: number;
  /** Called while waiting; throws to abort (e.g. the worker died). */
  check: () => void;
}

const PACE_TICK_MS = 10;

/** Enqueues the events (at once, or paced), waits until the receiver has them all, and measures. */
export async function runDeliveryPhase(target: DeliveryTarget, receiver: DeliveryReceiver, plan: DeliveryPlan): Promise<DeliveryPhaseResult> {
  const prefix = `evt_bench_${randomBytes(4).toString('hex')}_`;
  const ids = Array.from({ length: plan.events }, (_, i) => `${prefix}${String(i).padStart(9, '0')}`);
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    if (plan.perSecond === undefined) {
      await enqueue(client, target, prefix, 0, plan.events);
    } else {
      let enqueued = 0;
      while (enqueued < plan.events) {
        const due = Math.min(plan.events, Math.floor(((performance.now() - started) / 1000) * plan.perSecond) + 1);
        if (due > enqueued) {
          await enqueue(client, target, prefix, enqueued, due - enqueued);
          enqueued = due;
        }
        await sleep(PACE_TICK_MS);
      }
    }
    const enqueueMs = Math.round((performance.now() - started) * 10) / 10;
    await waitForArrivals(receiver, ids, plan.timeoutMs, plan.check);

    const created = await client.query<{ id: string; ms: number }>(
      'select id, (extract(epoch from created_at) * 1000)::float8 as ms from events where starts_with(id, $1::text)', [prefix]);
    const createdAt = new Map(created.rows.map((r) => [r.id, r.ms]));
    const latencies: number[] = [];
    let duplicates = 0;
    let firstCreated = Infinity;
    let lastArrival = -Infinity;
    for (const id of ids) {
      const madeAt = createdAt.get(id);
      const seen = receiver.arrivals.get(id);
      if (madeAt === undefined || !seen) continue;
      if (seen.length > 1) duplicates++;
      firstCreated = Math.min(firstCreated, madeAt);
      lastArrival = Math.max(lastArrival, seen[0]!);
      latencies.push(seen[0]! - madeAt);
    }
    const states = await client.query<{ retried: string; failed: string }>(
      `select count(*) filter (where attempts > 1) as retried, count(*) filter (where status = 'failed') as failed
       from webhook_deliveries where starts_with(event_id, $1::text)`, [prefix]);
    const spanSeconds = latencies.length === 0 ? 0 : (lastArrival - firstCreated) / 1000;
    return {
      phase: plan.phase,
      events: plan.events,
      offeredPerSecond: plan.perSecond ?? null,
      enqueueMs,
      spanSeconds: Math.round(spanSeconds * 1000) / 1000,
      deliveriesPerSecond: spanSeconds > 0 ? Math.round((latencies.length / spanSeconds) * 10) / 10 : 0,
      latencyMs: summarizeLatencies(latencies),
      duplicates,
      retried: Number(states.rows[0]?.retried ?? 0),
      failed: Number(states.rows[0]?.failed ?? 0),
      missing: plan.events - latencies.length,
    };
  } finally {
    await client.end();
  }
}
