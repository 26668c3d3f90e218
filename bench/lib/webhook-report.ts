import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CpuUsage } from './cpu.ts';
import type { CodeFacts, MachineFacts } from './report.ts';
import type { DeliveryPhaseResult } from './webhook-delivery.ts';
import type { InboundPhaseResult } from './webhook-load.ts';
import type { WebhookBenchSettings } from './webhook-settings.ts';

/** An inbound phase with the CPU it cost and what the database shows afterwards. */
export type MeasuredInbound = InboundPhaseResult & {
  cpu: CpuUsage;
  /** rail_webhook_events rows written during the phase (autocannon stops with requests in flight, so up to `connections` more than the 2xx it counted). */
  claimedRows: number;
  /** Payments that went pending → settled during the phase (settlement phase only). */
  settledPayments: number | null;
};

export type MeasuredDelivery = DeliveryPhaseResult & { cpu: CpuUsage };

export interface WebhookVerdict {
  valid: boolean;
  problems: string[];
  notes: string[];
}

export interface WebhookBenchReport {
  date: string;
  machine: MachineFacts;
  code: CodeFacts;
  settings: Omit<WebhookBenchSettings, 'adminDatabaseUrl'> & { serverEnvironment: Record<string, string> };
  inbound: MeasuredInbound[];
  outbound: MeasuredDelivery[];
  verdict: WebhookVerdict;
}

/** A run counts only with no error, no unexpected outcome, every claim in the database, and every event delivered exactly once at the first attempt. */
export function judgeWebhooks(inbound: MeasuredInbound[], outbound: MeasuredDelivery[]): WebhookVerdict {
  const problems: string[] = [];
  const notes: string[] = [];
  for (const p of inbound) {
    if (p.connectionErrors > 0) problems.push(`${p.phase}: ${p.connectionErrors} connection errors (${p.timeouts} timeouts)`);
    if (p.non2xx > 0) problems.push(`${p.phase}: ${p.non2xx} non-2xx responses, e.g. ${p.failureExamples[0] ?? '?'}`);
    if (p.unexpectedOutcomes > 0) problems.push(`${p.phase}: ${p.unexpectedOutcomes} answers with an unexpected outcome, e.g. ${p.failureExamples.find((e) => e.startsWith('expected')) ?? '?'}`);
    if (p.claimedRows < p.succeeded) problems.push(`${p.phase}: ${p.succeeded} events answered 2xx but only ${p.claimedRows} claimed in rail_webhook_events`);
    if (p.settledPayments !== null && p.settledPayments < p.succeeded) problems.push(`${p.phase}: ${p.succeeded} settlements answered "applied" but only ${p.settledPayments} payments settled`);
    if (p.stoppedEarly) notes.push(`${p.phase}: every pending payment was settled after ${p.durationSeconds} s, so the phase ended early and is measured over the time it ran`);
  }
  for (const p of outbound) {
    if (p.missing > 0) problems.push(`${p.phase}: ${p.missing} of ${p.events} events never reached the receiver`);
    if (p.duplicates > 0) problems.push(`${p.phase}: ${p.duplicates} events reached the receiver more than once`);
    if (p.retried > 0 || p.failed > 0) problems.push(`${p.phase}: ${p.retried} deliveries needed a retry, ${p.failed} failed`);
  }
  return { valid: problems.length === 0, problems, notes };
}

export async function writeWebhookReport(directory: string, report: WebhookBenchReport): Promise<string> {
  await mkdir(directory, { recursive: true });
  const file = join(directory, `webhooks-${report.date.slice(0, 10)}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

const ms = (value: number) => (Math.round(value * 10) / 10).toString();

function inboundRow(p: MeasuredInbound): string {
  const l = p.latencyMs;
  const outcomes = Object.entries(p.outcomes).map(([outcome, count]) => `${outcome} ${count}`).join(', ') || '–';
  return `| ${p.phase} | ${p.mix} | ${p.succeeded} | ${p.requestsPerSecond} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} | ${p.non2xx} | ${outcomes} |`;
}

function deliveryRow(p: MeasuredDelivery): string {
  const l = p.latencyMs;
  const offered = p.offeredPerSecond === null ? `all at once (INSERT ${ms(p.enqueueMs)} ms)` : `${p.offeredPerSecond}/s`;
  return `| ${p.phase} | ${p.events} | ${offered} | ${p.deliveriesPerSecond} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} | ${p.retried} | ${p.duplicates} | ${p.missing} |`;
}

function cpuRow(phase: string, count: number, cpu: CpuUsage): string {
  const per = (value: number) => (count === 0 ? '–' : (value / count).toFixed(2));
  return `| ${phase} | ${count} | ${per(cpu.serverMs)} | ${per(cpu.postgresMs)} | ${per(cpu.loadGeneratorMs)} |`;
}

export function webhookMarkdown(report: WebhookBenchReport): string {
  const { machine: m, settings: s, verdict: v } = report;
  const lines = [
    `Measured ${report.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}; Node ${m.node}; PostgreSQL ${m.postgres} on the same machine.`,
    `Load average (1/5/15 min) at start ${m.loadAverageAtStart.join(' / ')}, at end ${m.loadAverageAtEnd.join(' / ')}.`,
    `Server code at ${report.code.commit.slice(0, 7)}${report.code.uncommittedChanges ? ' with uncommitted changes' : ''}.`,
    `Inbound: ${s.connections} connections, ${s.durationSeconds} s per phase, API pool ${s.serverPoolSize}, rail-webhook and per-IP rate limits set to ${s.serverEnvironment.RAIL_WEBHOOK_RATE_LIMIT_PER_MINUTE}/min.`,
    `Outbound: worker process with WEBHOOK_DELIVERY_POLL_MS=${s.deliveryPollMs}, pool ${s.serverPoolSize}; burst of ${s.deliveries} events, then ${s.pacedDeliveriesPerSecond} events/s for ${s.durationSeconds} s.`,
    '',
    'Inbound `POST /webhooks/stripe` (latency: autocannon, request written → response read):',
    '',
    '| phase | events sent | 2xx | req/s | p50 ms | p95 ms | p99 ms | max ms | non-2xx | outcomes |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|---|',
    ...report.inbound.map(inboundRow),
    '',
    'Outbound deliveries to a local receiver (latency: event created_at → first arrival at the receiver):',
    '',
    '| phase | events | enqueued | deliveries/s | p50 ms | p95 ms | p99 ms | max ms | retries | duplicates | missing |',
    '|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...report.outbound.map(deliveryRow),
    '',
    'CPU time per request / delivery (from /proc: the API process for inbound, the worker process for outbound; the PostgreSQL backends of the benchmark database; the benchmark process — autocannon, or the receiver and the enqueueing):',
    '',
    '| phase | count | server / worker CPU ms | PostgreSQL CPU ms | benchmark process CPU ms |',
    '|---|--:|--:|--:|--:|',
    ...report.inbound.map((p) => cpuRow(`inbound: ${p.phase}`, p.succeeded, p.cpu)),
    ...report.outbound.map((p) => cpuRow(`outbound: ${p.phase}`, p.events - p.missing, p.cpu)),
    '',
    v.valid ? 'Errors: none (0 connection errors, timeouts, non-2xx or unexpected outcomes; every event delivered once, at the first attempt).' : `INVALID RUN: ${v.problems.join('; ')}`,
    ...v.notes.map((note) => `Note: ${note}.`),
  ];
  return lines.join('\n');
}
