import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import type { AppContext } from '../../../context.ts';
import { newId } from '../../../lib/ids.ts';
import { retryingTransaction } from '../../../lib/transaction.ts';
import { CapabilityError, type CapabilityHandler, type RunFacts } from '../run-host.ts';
import { findHostCall, finishHostCall, insertDoneHostCall, startHostCall, type HostCallKey } from './host-calls.repo.ts';
import { countPending, insertScheduledEmail, lockDeploymentForSchedule } from './scheduled-email.repo.ts';
import { lockDeploymentStore } from './storage.repo.ts';
import { KiB, parseArgs, requireCapability, WindowCounter } from './support.ts';

/** `ctx.email.send` (capability `email`): docs/agents.md, "Capabilities". */
export interface EmailLimits {
  /** Messages per deployment per window, counted in this process (a scheduled message counts when it is scheduled). */
  perDeployment: number;
  windowMs: number;
  /** How far ahead `send_at` may be. */
  maxScheduleAheadMs: number;
  /** Messages of one deployment waiting to be sent at once. */
  maxScheduledPerDeployment: number;
}

export const EMAIL_LIMITS: EmailLimits = { perDeployment: 30, windowMs: 60_000, maxScheduleAheadMs: 90 * 24 * 3600_000, maxScheduledPerDeployment: 100 };
const MAX_RECIPIENTS = 10;
const MAX_BODY_BYTES = 256 * KiB;

const Address = z.email({ message: 'not an email address' }).max(254);
const bodyText = (what: string) => z.string().refine((s) => Buffer.byteLength(s) <= MAX_BODY_BYTES, `${what} is larger than 256 KiB`);

const ArgsSchema = z.tuple([
  z.strictObject({
    to: z.union([Address, z.array(Address).min(1).max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} recipients`)]),
    // eslint-disable-next-line no-control-regex -- a subject is one header line
    subject: z.string().min(1).max(200).regex(/^[^\u0000-\u001f\u007f]*$/, 'a subject is one line without control characters'),
    text: bodyText('text'),
    html: bodyText('html').optional(),
    send_at: z.iso.datetime({ offset: true, error: 'send_at is an ISO 8601 timestamp with a time zone (2026-01-31T09:00:00Z)' }).optional(),
  }, { error: (issue) => (issue.code === 'unrecognized_keys' ? `only to, subject, text, html and send_at can be set (the sender is the operator's)` : undefined) }),
]).rest(z.unknown());

/** One transport (and its connections) per app, that is per process; keyed by the app so test apps never share one. */
const transports = new WeakMap<AppContext, Transporter>();
const counters = new WeakMap<AppContext, WindowCounter>();

function transportOf(app: AppContext, url: string): Transporter {
  let transport = transports.get(app);
  if (!transport) {
    transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
    transports.set(app, transport);
  }
  return transport;
}

/** Closes the app's SMTP transport, if one was opened (tests; a process simply exits). */
export function closeEmailTransport(app: AppContext): void {
  transports.get(app)?.close();
  transports.delete(app);
}

/** A message as the SMTP transport is given it (an immediate send or a scheduled one). */
export interface AgentMail {
  to: string | string[];
  subject: string;
  text: string;
  html?: string | undefined;
  headers: Record<string, string>;
  /** Fixed by a scheduled message, so every attempt carries the same Message-ID; otherwise nodemailer's. */
  messageId?: string | undefined;
}

/** Sends through the app's SMTP transport, from the operator's address. Throws the transport's error. */
export async function sendAgentMail(app: AppContext, smtp: { url: string; from: string }, mail: AgentMail): Promise<{ messageId?: string }> {
  return transportOf(app, smtp.url).sendMail({
    from: smtp.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.html !== undefined ? { html: mail.html } : {}),
    ...(mail.messageId !== undefined ? { messageId: mail.messageId } : {}),
    headers: mail.headers,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

/** The SMTP server refused for good (5xx): retrying the same message cannot help. */
export function isPermanentSmtpError(err: unknown): boolean {
  const responseCode = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof responseCode === 'number' && responseCode >= 500;
}

/** What may be logged or stored of an SMTP failure: codes only (the server's answer may quote the message or the addresses). */
export function smtpFailureSummary(err: unknown): string {
  const e = err as { code?: unknown; responseCode?: unknown } | null;
  return [typeof e?.responseCode === 'number' ? `smtp ${e.responseCode}` : null, typeof e?.code === 'string' ? e.code : null].filter(Boolean).join(' ') || 'send failed';
}

/** `<id@domain-of-SMTP_FROM>`: unique, and the same on every attempt, so the SMTP side can drop a repeat. */
function fixedMessageId(id: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'frameos.invalid';
  return `<${id}@${domain}>`;
}

export function createEmailCapability(limits: EmailLimits = EMAIL_LIMITS): CapabilityHandler {
  return async (app, facts, args, seq) => {
    requireCapability(facts, 'ctx.email.send', 'email');
    const smtp = app.config.runtime.smtp;
    if (!smtp) throw new CapabilityError('email_not_configured', 'ctx.email.send: this server has no SMTP server configured (SMTP_URL).');
    const [message] = parseArgs(ArgsSchema, args, 'ctx.email.send');
    // The same call of an earlier attempt of this run (lost worker): its message went out, or was scheduled, already.
    const key: HostCallKey = { executionId: facts.executionId, api: 'email.send', seq };
    const previous = await findHostCall(app.database.db, key);
    if (previous?.status === 'done' && previous.result) return previous.result;
    const now = app.clock();
    const sendAt = message.send_at === undefined ? null : new Date(message.send_at);
    if (sendAt && sendAt.getTime() - now.getTime() > limits.maxScheduleAheadMs) {
      throw new CapabilityError('send_at_too_far', `ctx.email.send: send_at may be at most ${Math.round(limits.maxScheduleAheadMs / 86_400_000)} days ahead.`);
    }
    let counter = counters.get(app);
    if (!counter) counters.set(app, (counter = new WindowCounter(limits.windowMs, limits.perDeployment)));
    if (!counter.take(facts.deploymentId, now.getTime())) {
      throw new CapabilityError('email_rate_limited', `ctx.email.send: at most ${limits.perDeployment} messages per ${limits.windowMs / 1000} s per deployment.`);
    }
    const headers = { 'X-FrameOS-Execution': facts.executionId, 'X-FrameOS-Deployment': facts.deploymentId };
    // A send_at in the future is stored and sent by the worker; one now or past is sent at once.
    if (sendAt && sendAt > now) return schedule(app, facts, key, limits, { ...message, headers }, sendAt, smtp.from);
    // Recorded before the send with its Message-ID: an attempt cut short between the send and the
    // record sends again under the same id (at least once, never under two ids).
    const started = await startHostCall(app.database.db, key, previous?.reference ?? fixedMessageId(`${facts.executionId}.${seq}`, smtp.from));
    if (started.status === 'done' && started.result) return started.result;
    const messageId = started.reference ?? undefined;
    let info: { messageId?: string };
    try {
      info = await sendAgentMail(app, smtp, { to: message.to, subject: message.subject, text: message.text, html: message.html, headers, messageId });
    } catch (err) {
      app.log.warn({ executionId: facts.executionId, deploymentId: facts.deploymentId, error: smtpFailureSummary(err) }, 'agent email not sent');
      throw new CapabilityError('email_failed', isPermanentSmtpError(err) ? 'ctx.email.send: the mail server refused the message.' : 'ctx.email.send: the mail server could not be reached.');
    }
    const result = { message_id: info.messageId ?? messageId ?? null, status: 'sent' };
    await finishHostCall(app.database.db, key, result);
    return result;
  };
}

/**
 * Stores a message for the worker to send at `sendAt`, within the deployment's cap, serialised per
 * deployment (an advisory lock) so concurrent calls cannot pass the cap together, and only while the
 * deployment is not deleted (its row held FOR KEY SHARE against a concurrent delete, which cancels
 * every message it finds).
 */
async function schedule(app: AppContext, facts: RunFacts, key: HostCallKey, limits: EmailLimits, mail: AgentMail, sendAt: Date, from: string): Promise<Record<string, unknown>> {
  const id = newId('scheduled_email');
  const messageId = fixedMessageId(id, from);
  const result = { id, status: 'scheduled', send_at: sendAt.toISOString(), message_id: messageId };
  return retryingTransaction(app.database.db, async (tx) => {
    await lockDeploymentStore(tx, facts.deploymentId, 'scheduled_emails');
    // Under the deployment's lock: an attempt of this run that scheduled this call already is seen here.
    const previous = await findHostCall(tx, key);
    if (previous?.status === 'done' && previous.result) return previous.result;
    const status = await lockDeploymentForSchedule(tx, facts.deploymentId);
    if (status === null || status === 'deleted') throw new CapabilityError('deployment_deleted', 'ctx.email.send: the deployment was deleted; nothing can be scheduled for it.');
    if ((await countPending(tx, facts.deploymentId)) >= limits.maxScheduledPerDeployment) {
      throw new CapabilityError('email_schedule_full', `ctx.email.send: this deployment already has ${limits.maxScheduledPerDeployment} messages waiting to be sent.`);
    }
    await insertScheduledEmail(tx, {
      id, orgId: facts.orgId, deploymentId: facts.deploymentId, executionId: facts.executionId,
      recipients: Array.isArray(mail.to) ? mail.to : [mail.to], subject: mail.subject, textBody: mail.text, htmlBody: mail.html ?? null,
      messageId, status: 'scheduled', sendAt, nextAttemptAt: sendAt, attempts: 0, createdAt: app.clock(),
    });
    await insertDoneHostCall(tx, key, result, messageId);
    return result;
  });
}

export const emailCapability: CapabilityHandler = createEmailCapability();
