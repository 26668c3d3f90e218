import { defineAgent, z } from '@frameos/agent-sdk';

/**
 * Email drip campaign: a sequence of steps, each `delay_days` after the one before it. The first
 * step goes at once (or at `start_at`) through ctx.email.send; every later one is handed to the
 * platform with `send_at`, which queues it durably and sends it when due — the platform cancels what
 * is still waiting when the deployment is deleted. A `campaign.scheduled` event (ctx.emit) tells
 * the deploying organization's webhook endpoints what was planned.
 */

const DAY_MS = 86_400_000;
/** The platform's horizon for send_at. */
const MAX_AHEAD_DAYS = 90;
/** The platform sends at most 30 messages a minute per deployment (scheduled ones count when scheduled). */
const MAX_EMAILS_PER_RUN = 30;

const Recipient = z.object({
  email: z.email().describe('The address'),
  name: z.string().max(200).optional().describe('For {{name}} and {{first_name}}'),
  fields: z.record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/), z.string().max(1000)).optional().describe('More placeholders for this recipient (e.g. {"company": "Acme"})'),
});
type RecipientInput = z.infer<typeof Recipient>;

const Step = z.object({
  subject: z.string().min(1).max(200).describe('One line; placeholders allowed'),
  text: z.string().min(1).max(100_000).describe('The plain-text body; placeholders allowed'),
  html: z.string().max(200_000).optional().describe('An HTML body as well (placeholders allowed; values are HTML-escaped)'),
  delay_days: z.number().min(0).max(MAX_AHEAD_DAYS).default(0).describe('Days after the previous step (the first step: after start_at); fractions allowed (0.5 = 12 h)'),
});

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** {{key}} or {{key|fallback}}; an unknown key, or an empty value without a fallback, is an error naming it. */
export function personalise(template: string, values: Record<string, string>, where: string, escape: (s: string) => string = (s) => s): string {
  const problems: string[] = [];
  const out = template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*(?:\|([^}]*))?\}\}/g, (_m, key: string, fallback: string | undefined) => {
    const value = values[key];
    if (value === undefined && fallback === undefined) problems.push(`{{${key}}} is not a known placeholder (known: ${Object.keys(values).sort().join(', ')})`);
    else if (!value && fallback === undefined) problems.push(`{{${key}}} is empty for ${values.email ?? 'a recipient'}; give a fallback as {{${key}|…}}`);
    return escape(value || (fallback ?? '').trim());
  });
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}.`);
  return out;
}

function valuesOf(recipient: RecipientInput, shared: Record<string, string>): Record<string, string> {
  const name = (recipient.name ?? '').trim();
  return {
    ...shared,
    ...recipient.fields,
    email: recipient.email,
    name,
    first_name: name.split(/\s+/)[0] ?? '',
    last_name: name.split(/\s+/).slice(1).join(' '),
  };
}

const EmailOut = z.object({
  recipient: z.string(),
  step: z.number().int().describe('1-based'),
  subject: z.string(),
  status: z.enum(['sent', 'scheduled', 'failed', 'planned']).describe('planned: a dry run'),
  send_at: z.string().describe('ISO 8601: when it was sent or is due'),
  id: z.string().nullable().describe('The platform\'s id of a scheduled message (sem_…), used to cancel'),
  message_id: z.string().nullable().describe('The Message-ID header'),
  error: z.string().optional().describe('Why a failed message was refused (the platform\'s code)'),
});
type EmailResult = z.infer<typeof EmailOut>;

export default defineAgent({
  manifest: {
    id: 'agt_email_sequence',
    name: 'Email Drip Campaign',
    version: '1.0.0',
    description: 'Sends a personalised sequence of emails: the first at once, each later step delay_days after the previous one, queued durably by the platform (and cancelled if you delete the deployment). Emits campaign.scheduled to your webhooks with the plan.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'subscription', amount: 500, currency: 'USD' },
    capabilities: ['email', 'webhook'],
    runtime: { timeout_ms: 30_000, memory_mb: 64 },
    metadata: { category: 'marketing', tags: ['email', 'drip', 'nurture', 'sequence', 'scheduling'] },
  },
  inputs: z.object({
    recipient: Recipient.optional().describe('One recipient (or give recipients)'),
    recipients: z.array(Recipient).min(1).max(10).optional().describe('Up to 10 recipients, each getting the whole sequence personalised'),
    steps: z.array(Step).min(1).max(10).describe('The sequence, in order; each step delay_days after the previous one'),
    variables: z.record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/), z.string().max(1000)).default({}).describe('Placeholders shared by every recipient (e.g. {"sender": "Ada"}); a recipient\'s own fields win'),
    start_at: z.iso.datetime({ offset: true }).optional().describe('When the first step goes (ISO 8601 with a zone); default now'),
    dry_run: z.boolean().default(false).describe('Compute and personalise the schedule, send nothing'),
  }),
  outputs: z.object({
    campaign_id: z.string().describe('The execution id: names this campaign in the event'),
    recipients: z.number().int(),
    emails: z.array(EmailOut).describe('One per recipient and step, in sending order'),
    steps: z.array(z.object({ step: z.number().int(), subject: z.string(), send_at: z.string(), sent: z.number().int(), scheduled: z.number().int(), failed: z.number().int() })).describe('Per step: when it goes and what became of its messages'),
    sent: z.number().int(),
    scheduled: z.number().int(),
    failed: z.number().int(),
    ends_at: z.string().describe('When the last step is due'),
    dry_run: z.boolean(),
  }),
  examples: [{
    name: 'Welcome sequence',
    inputs: {
      recipient: { email: 'ada@example.com', name: 'Ada Lovelace' },
      steps: [
        { subject: 'Welcome, {{first_name}}', text: 'Hi {{first_name}}, thanks for signing up.', delay_days: 0 },
        { subject: 'Getting started', text: 'Hi {{first_name}}, here are three tips…', delay_days: 2 },
        { subject: 'How is it going?', text: 'Hi {{first_name}}, any questions? Just reply.', delay_days: 5 },
      ],
    },
  }],
  handler: async (inputs, ctx) => {
    if (inputs.recipient && inputs.recipients) throw new Error('Give recipient or recipients, not both.');
    const recipients = inputs.recipients ?? (inputs.recipient ? [inputs.recipient] : []);
    if (recipients.length === 0) throw new Error('No recipient: give recipient {email, name?} or recipients [{email, name?}, …].');
    const total = recipients.length * inputs.steps.length;
    if (total > MAX_EMAILS_PER_RUN) throw new Error(`${recipients.length} recipients × ${inputs.steps.length} steps = ${total} emails; at most ${MAX_EMAILS_PER_RUN} per run (the platform sends 30 a minute per deployment). Split the list over several runs.`);
    const now = Date.now();
    const start = inputs.start_at ? Date.parse(inputs.start_at) : now;
    // Cumulative delays: step i goes at start + the sum of delay_days of steps 1..i.
    let offset = 0;
    const dueAt = inputs.steps.map((step) => (offset += step.delay_days * DAY_MS, start + offset));
    const last = dueAt[dueAt.length - 1]!;
    if (last - now > MAX_AHEAD_DAYS * DAY_MS) throw new Error(`The last step is due ${new Date(last).toISOString()}, more than ${MAX_AHEAD_DAYS} days ahead (the platform's limit for scheduled email). Shorten the delays.`);

    // Personalise everything before sending anything: a template problem fails the run with nothing sent.
    const plan = recipients.flatMap((recipient) => {
      const values = valuesOf(recipient, inputs.variables);
      return inputs.steps.map((step, i) => {
        const where = `steps[${i}]`;
        const subject = personalise(step.subject, values, `${where}.subject`).replace(/\s+/g, ' ').trim();
        if (subject.length > 200) throw new Error(`${where}.subject is ${subject.length} characters for ${recipient.email} once personalised; at most 200.`);
        return {
          recipient: recipient.email,
          step: i + 1,
          subject,
          text: personalise(step.text, values, `${where}.text`),
          ...(step.html !== undefined ? { html: personalise(step.html, values, `${where}.html`, escapeHtml) } : {}),
          due: dueAt[i]!,
        };
      });
    });
    // Sending order: by due time, then recipient (the first step of everyone before any later step).
    plan.sort((a, b) => a.due - b.due || a.step - b.step);

    const emails: EmailResult[] = [];
    for (const item of plan) {
      const sendAt = new Date(item.due).toISOString();
      const base = { recipient: item.recipient, step: item.step, subject: item.subject, send_at: sendAt };
      if (inputs.dry_run) {
        emails.push({ ...base, status: 'planned', id: null, message_id: null });
        continue;
      }
      const message = { to: item.recipient, subject: item.subject, text: item.text, ...(item.html !== undefined ? { html: item.html } : {}) };
      try {
        const answer = await ctx.email.send(item.due > Date.now() ? { ...message, send_at: sendAt } : message);
        emails.push(answer.status === 'scheduled'
          ? { ...base, status: 'scheduled', send_at: answer.send_at, id: answer.id, message_id: answer.message_id }
          : { ...base, status: 'sent', send_at: new Date().toISOString(), id: null, message_id: answer.message_id });
      } catch (err) {
        const code = typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'email_failed';
        // Nothing reached anyone: fail the run (a subscription run costs nothing more) with the platform's reason.
        if (emails.every((e) => e.status === 'failed') && item === plan[plan.length - 1]) throw new Error(`No email could be sent or scheduled: ${code} (${err instanceof Error ? err.message : String(err)}).`);
        emails.push({ ...base, status: 'failed', id: null, message_id: null, error: code });
        ctx.log('step', item.step, 'for', item.recipient, 'failed:', code);
      }
    }

    const count = (status: EmailResult['status'], step?: number) => emails.filter((e) => e.status === status && (step === undefined || e.step === step)).length;
    const steps = inputs.steps.map((_, i) => ({
      step: i + 1,
      subject: inputs.steps[i]!.subject,
      send_at: new Date(dueAt[i]!).toISOString(),
      sent: count('sent', i + 1),
      scheduled: count('scheduled', i + 1),
      failed: count('failed', i + 1),
    }));
    const summary = { campaign_id: ctx.execution_id, recipients: recipients.length, sent: count('sent'), scheduled: count('scheduled'), failed: count('failed'), ends_at: new Date(last).toISOString() };
    if (!inputs.dry_run) {
      await ctx.emit('campaign.scheduled', {
        ...summary,
        steps: steps.map((s) => ({ step: s.step, send_at: s.send_at, sent: s.sent, scheduled: s.scheduled, failed: s.failed })),
        scheduled_ids: emails.flatMap((e) => (e.id ? [e.id] : [])),
      });
    }
    ctx.log(`campaign: ${summary.sent} sent, ${summary.scheduled} scheduled, ${summary.failed} failed`);
    return { ...summary, emails, steps, dry_run: inputs.dry_run };
  },
});
