import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { summarizeLatencies, type LatencySummary } from './load.ts';
import type { RuntimePayer } from './runtime-fixture.ts';

const wallClockMs = () => performance.timeOrigin + performance.now();

/** What the execution.succeeded event says about one run (its `data` is the execution as GET /executions/:id returns it). */
export interface SucceededEvent {
  executionId: string;
  createdAt: number;
  startedAt: number;
  completedAt: number;
  durationMs: number;
  /** When the receiver had it (ms since the epoch). */
  arrivedAt: number;
}

/**
 * The local webhook endpoint: answers 200 at once, and hands each execution.succeeded event to
 * whoever waits for that execution (or keeps it until someone does: the event can beat the 202).
 */
export interface EventReceiver {
  url: string;
  waitFor(executionId: string, timeoutMs: number): Promise<SucceededEvent>;
  received(): number;
  duplicates(): number;
  close(): Promise<void>;
}

export async function startEventReceiver(): Promise<EventReceiver> {
  const arrived = new Map<string, SucceededEvent>();
  const waiting = new Map<string, (event: SucceededEvent) => void>();
  const seen = new Set<string>();
  let received = 0;
  let duplicates = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const arrivedAt = wallClockMs();
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      received++;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type?: string; data?: Record<string, unknown> };
        const data = body.data ?? {};
        if (body.type !== 'execution.succeeded' || typeof data.execution_id !== 'string') return;
        const event: SucceededEvent = {
          executionId: data.execution_id,
          createdAt: Date.parse(String(data.created_at)),
          startedAt: Date.parse(String(data.started_at)),
          completedAt: Date.parse(String(data.completed_at)),
          durationMs: Number(data.duration_ms ?? NaN),
          arrivedAt,
        };
        if (seen.has(event.executionId)) {
          duplicates++;
          return;
        }
        seen.add(event.executionId);
        const waiter = waiting.get(event.executionId);
        if (waiter) {
          waiting.delete(event.executionId);
          waiter(event);
        } else arrived.set(event.executionId, event);
      } catch {
        // not ours
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    waitFor: (executionId, timeoutMs) => {
      const early = arrived.get(executionId);
      if (early) {
        arrived.delete(executionId);
        return Promise.resolve(early);
      }
      return new Promise<SucceededEvent>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(executionId);
          reject(new Error(`no execution.succeeded for ${executionId} within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        waiting.set(executionId, (event) => {
          clearTimeout(timer);
          resolve(event);
        });
      });
    },
    received: () => received,
    duplicates: () => duplicates,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RuntimeTarget {
  baseUrl: string;
  agentId: string;
  payers: RuntimePayer[];
  receiver: EventReceiver;
  /** How long one execution may take from POST to its event before it counts as lost. */
  timeoutMs: number;
}

/** One execution seen through: the POST, its 202, its execution.succeeded event. */
interface Sample {
  sentAt: number;
  postMs: number;
  event: SucceededEvent;
}

export interface RuntimePhaseResult {
  phase: string;
  /** "closed loop, 64 in flight" or "open loop, 50/s offered". */
  load: string;
  succeeded: number;
  failed: number;
  failureExamples: string[];
  /** From the first POST sent to the last completed_at. */
  seconds: number;
  executionsPerSecond: number;
  /** POST /agents/:id/execute → 202. */
  postMs: LatencySummary;
  /** created_at → completed_at (server clock): the POST's transaction to the finish transaction: what a poller of GET /executions/:id would see. */
  endToEndMs: LatencySummary;
  /** created_at → started_at: waiting in the queue until a worker claimed it. */
  queuedMs: LatencySummary;
  /** started_at → completed_at: loading facts, the sandbox run, the finish transaction. */
  runningMs: LatencySummary;
  /** duration_ms: what the sandbox reports for the run itself. */
  sandboxMs: LatencySummary;
  /** POST sent → the webhook received here (adds the 202's own path and the outbound delivery's lag). */
  webhookMs: LatencySummary;
}

async function executeOnce(target: RuntimeTarget, payer: RuntimePayer, name: string): Promise<Sample> {
  const sentAt = wallClockMs();
  const res = await fetch(`${target.baseUrl}/agents/${target.agentId}/execute`, {
    method: 'POST',
    headers: { authorization: `Bearer ${payer.apiKey}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ deployment_id: payer.deploymentId, inputs: { name } }),
  });
  const text = await res.text();
  const postMs = wallClockMs() - sentAt;
  if (res.status !== 202) throw new Error(`execute answered ${res.status}: ${text.slice(0, 300)}`);
  const executionId = (JSON.parse(text) as { execution_id?: string }).execution_id;
  if (!executionId) throw new Error(`execute answered no execution_id: ${text.slice(0, 300)}`);
  return { sentAt, postMs, event: await target.receiver.waitFor(executionId, target.timeoutMs) };
}

class PhaseLog {
  readonly samples: Sample[] = [];
  failed = 0;
  readonly failureExamples: string[] = [];

  async run(work: () => Promise<Sample>): Promise<void> {
    try {
      this.samples.push(await work());
    } catch (err) {
      this.failed++;
      if (this.failureExamples.length < 5) this.failureExamples.push(err instanceof Error ? err.message : String(err));
    }
  }

  result(phase: string, load: string): RuntimePhaseResult {
    const s = this.samples;
    const firstSent = Math.min(...s.map((x) => x.sentAt));
    const lastCompleted = Math.max(...s.map((x) => x.event.completedAt));
    const seconds = s.length === 0 ? 0 : (lastCompleted - firstSent) / 1000;
    return {
      phase,
      load,
      succeeded: s.length,
      failed: this.failed,
      failureExamples: this.failureExamples,
      seconds: Math.round(seconds * 100) / 100,
      executionsPerSecond: seconds > 0 ? Math.round((s.length / seconds) * 10) / 10 : 0,
      postMs: summarizeLatencies(s.map((x) => x.postMs)),
      endToEndMs: summarizeLatencies(s.map((x) => x.event.completedAt - x.event.createdAt)),
      queuedMs: summarizeLatencies(s.map((x) => x.event.startedAt - x.event.createdAt)),
      runningMs: summarizeLatencies(s.map((x) => x.event.completedAt - x.event.startedAt)),
      sandboxMs: summarizeLatencies(s.map((x) => x.event.durationMs).filter(Number.isFinite)),
      webhookMs: summarizeLatencies(s.map((x) => x.event.arrivedAt - x.sentAt)),
    };
  }
}

/**
 * Closed loop: `inFlight` lanes, each sending one execution and waiting for its event before the
 * next, until `count` were sent (or `maxSeconds` passed). Lane i pays from payer i mod payers. Measures saturation
 * throughput; its latency is queueing (Little's law: in flight ÷ throughput).
 */
export async function runClosedLoop(phase: string, target: RuntimeTarget, count: number, inFlight: number, onProgress?: (done: number) => void, maxSeconds = Infinity): Promise<RuntimePhaseResult> {
  const log = new PhaseLog();
  let sent = 0;
  let done = 0;
  const stopSendingAt = performance.now() + maxSeconds * 1000;
  const lane = async (laneIndex: number) => {
    const payer = target.payers[laneIndex % target.payers.length]!;
    while (sent < count && performance.now() < stopSendingAt) {
      const n = sent++;
      await log.run(() => executeOnce(target, payer, `n${n}`));
      done++;
      if (onProgress && done % 1000 === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, (_, i) => lane(i)));
  return log.result(phase, `closed loop, ${inFlight} in flight, ${target.payers.length} payer account(s)`);
}

/**
 * Open loop: executions sent at `perSecond` on average (exponential gaps, as independent callers
 * arrive) for `seconds`, round-robin over the payers, whatever is still running. Below saturation
 * its latency is what one caller waits.
 */
export async function runOpenLoop(phase: string, target: RuntimeTarget, perSecond: number, seconds: number): Promise<RuntimePhaseResult> {
  const log = new PhaseLog();
  const runs: Promise<void>[] = [];
  const startedAt = performance.now();
  let next = startedAt;
  let n = 0;
  while (next - startedAt < seconds * 1000) {
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const payer = target.payers[n % target.payers.length]!;
    const name = `p${n++}`;
    runs.push(log.run(() => executeOnce(target, payer, name)));
    next += -Math.log(1 - Math.random()) * (1000 / perSecond);
  }
  await Promise.all(runs);
  return log.result(phase, `open loop, ${perSecond}/s offered for ${seconds} s, ${target.payers.length} payer account(s)`);
}
