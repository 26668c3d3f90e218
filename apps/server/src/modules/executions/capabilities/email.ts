import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import type { AppContext } from '../../../context.ts';
import { CapabilityError, type CapabilityHandler } from '../run-host.ts';
import { KiB, parseArgs, requireCapability, WindowCounter } from './support.ts';

/** `ctx.email.send` (capability `email`): docs/agents.md, "Capabilities". */
export interface EmailLimits {
  /** Messages per deployment per window, counted in this process. */
  perDeployment: number;
  windowMs: number;
}

export const EMAIL_LIMITS: EmailLimits = { perDeployment: 30, windowMs: 60_000 };
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
  }, { error: (issue) => (issue.code === 'unrecognized_keys' ? `only to, subject, text and html can be set (the sender is the operator's)` : undefined) }),
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

export function createEmailCapability(limits: EmailLimits = EMAIL_LIMITS): CapabilityHandler {
  return async (app, facts, args) => {
    requireCapability(facts, 'ctx.email.send', 'email');
    const smtp = app.config.runtime.smtp;
    if (!smtp) throw new CapabilityError('email_not_configured', 'ctx.email.send: this server has no SMTP server configured (SMTP_URL).');
    const [message] = parseArgs(ArgsSchema, args, 'ctx.email.send');
    let counter = counters.get(app);
    if (!counter) counters.set(app, (counter = new WindowCounter(limits.windowMs, limits.perDeployment)));
    if (!counter.take(facts.deploymentId, app.clock().getTime())) {
      throw new CapabilityError('email_rate_limited', `ctx.email.send: at most ${limits.perDeployment} messages per ${limits.windowMs / 1000} s per deployment.`);
    }
    let info: { messageId?: string };
    try {
      info = await transportOf(app, smtp.url).sendMail({
        from: smtp.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html !== undefined ? { html: message.html } : {}),
        headers: { 'X-FrameOS-Execution': facts.executionId, 'X-FrameOS-Deployment': facts.deploymentId },
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    } catch (err) {
      // The SMTP server's answer may quote the message or the addresses: logged by code only.
      const code = (err as { code?: unknown; responseCode?: unknown }).code;
      app.log.warn({ executionId: facts.executionId, deploymentId: facts.deploymentId, code, responseCode: (err as { responseCode?: unknown }).responseCode }, 'agent email not sent');
      const rejected = typeof (err as { responseCode?: unknown }).responseCode === 'number' && (err as { responseCode: number }).responseCode >= 500;
      throw new CapabilityError('email_failed', rejected ? 'ctx.email.send: the mail server refused the message.' : 'ctx.email.send: the mail server could not be reached.');
    }
    return { message_id: info.messageId ?? null };
  };
}

export const emailCapability: CapabilityHandler = createEmailCapability();
