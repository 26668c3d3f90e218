import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.ts';
import { newId } from '../../src/lib/ids.ts';
import { rowsOf } from '../../src/lib/sql-values.ts';
import { closeEmailTransport, createEmailCapability, EMAIL_LIMITS, emailRetryDelayMs, SCHEDULED_EMAIL, sendDueEmails } from '../../src/modules/executions/capabilities/index.ts';
import { claimDueEmails } from '../../src/modules/executions/capabilities/scheduled-email.repo.ts';
import { buildRunHost, CapabilityError, type RunFacts } from '../../src/modules/executions/run-host.ts';
import { messageIdOf, startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.ts';
import { startTestApp, useTestApp, type TestApp } from '../support/test-app.ts';
import { agentSource, deploy, developer, marketplaceEnv, payer, platformAdminToken, publishAgent, type PayerFixture } from '../support/marketplace-kit.ts';

/** Numbers the host calls as a run's host does (1, 2, …), each call its own: no call here is an earlier attempt's. */
let seq = 0;

// Scheduled messages are mail.received by a real SMTP server; the schedule is fast-forwarded with the
// apps' shared test clock, and the worker's sendDueEmails is called directly (no timers, no sleeps).
const t = useTestApp({ env: marketplaceEnv });
let second: TestApp; // another "worker process" on the same database and clock

type Runtime = AppContext['config']['runtime'];
const withSmtp = (app: AppContext, smtp: Runtime['smtp']): AppContext => ({ ...app, config: { ...app.config, runtime: { ...app.config.runtime, smtp } } });

let mail: SmtpReceiver;
let mailA: AppContext;
let mailB: AppContext;
let buyer: PayerFixture;
let agentId: string;

beforeAll(async () => {
  mail = await startSmtpReceiver();
  const config = { url: mail.url, from: 'FrameOS agents <agents@frameos.test>' };
  second = await startTestApp({ sharedWith: t, clock: t.clock, env: marketplaceEnv });
  mailA = withSmtp(t.appCtx, config);
  mailB = withSmtp(second.appCtx, config);
  const admin = await platformAdminToken(t);
  const dev = await developer(t);
  agentId = await publishAgent(t, dev, admin, agentSource('hello-world'), { id: 'agt_hello_mail' });
  buyer = await payer(t, [agentId]);
});

afterAll(async () => {
  closeEmailTransport(mailA);
  closeEmailTransport(mailB);
  await second.close();
  await mail.close();
});

beforeEach(() => {
  mail.received.length = 0;
  mail.refusals.length = 0;
});

async function newFacts(): Promise<RunFacts> {
  const deploymentId = await deploy(t, buyer, agentId);
  return { executionId: newId('execution'), orgId: buyer.org.orgId, deploymentId, agentId, allowedHosts: [], unitPrice: 0, heldAmount: 0, capabilities: ['email'], config: {}, secrets: {} };
}

const send = (f: RunFacts, message: Record<string, unknown>, app: AppContext = mailA) => createEmailCapability()(app, f, [message], ++seq);
const inMinutes = (m: number) => new Date(t.clock.now().getTime() + m * 60_000).toISOString();
async function row(id: string): Promise<Record<string, unknown>> {
  const [r] = rowsOf(await t.appCtx.database.db.execute(sql`select status, attempts, last_error, sent_at, cancelled_at, next_attempt_at from scheduled_emails where id = ${id}`));
  return r!;
}
async function refusal(call: Promise<unknown>): Promise<CapabilityError> {
  const err = await call.then(() => null, (e: unknown) => e);
  expect(err, 'the call was not refused').toBeInstanceOf(CapabilityError);
  return err as CapabilityError;
}

describe('ctx.email.send with send_at', () => {
  it('sends at once without send_at, and with a send_at that has passed', async () => {
    const f = await newFacts();
    expect(await send(f, { to: 'a@example.com', subject: 'now', text: 't' })).toMatchObject({ status: 'sent', message_id: expect.stringMatching(/^<.+>$/) });
    expect(await send(f, { to: 'a@example.com', subject: 'past', text: 't', send_at: inMinutes(-5) })).toMatchObject({ status: 'sent' });
    expect(mail.received.map((m) => /^Subject: (.+)$/m.exec(m.raw)?.[1])).toEqual(['now', 'past']);
  });

  it('stores a future message; the worker sends it once when due, even with two workers racing', async () => {
    const f = await newFacts();
    const sendAt = inMinutes(30);
    const scheduled = (await send(f, { to: ['a@example.com', 'b@example.com'], subject: 'Later', text: 'scheduled body', html: '<p>x</p>', send_at: sendAt })) as { id: string; status: string; send_at: string; message_id: string };
    expect(scheduled).toMatchObject({ id: expect.stringMatching(/^sem_/), status: 'scheduled', send_at: sendAt, message_id: `<${scheduled.id}@frameos.test>` });
    expect(mail.received).toHaveLength(0);

    // Not due yet: nothing is claimed by either worker.
    expect(await Promise.all([sendDueEmails(mailA), sendDueEmails(mailB)])).toEqual([0, 0]);
    t.clock.advance(30 * 60_000);
    const claimed = await Promise.all([sendDueEmails(mailA), sendDueEmails(mailB), sendDueEmails(mailA)]);
    expect(claimed.reduce((a, b) => a + b, 0)).toBe(1);
    expect(mail.received).toHaveLength(1);
    expect(mail.received[0]!.to).toEqual(['a@example.com', 'b@example.com']);
    expect(messageIdOf(mail.received[0]!.raw)).toBe(scheduled.message_id);
    expect(mail.received[0]!.raw).toMatch(new RegExp(`^X-FrameOS-Scheduled-Email: ${scheduled.id}$`, 'im'));
    expect(mail.received[0]!.raw).toContain('scheduled body');
    expect(await row(scheduled.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await Promise.all([sendDueEmails(mailA), sendDueEmails(mailB)])).toEqual([0, 0]);
    expect(mail.received).toHaveLength(1);
  });

  it('a worker that died after claiming: the lease lapses and another sends it, with the same Message-ID', async () => {
    const f = await newFacts();
    const { id, message_id } = (await send(f, { to: 'a@example.com', subject: 'crash', text: 't', send_at: inMinutes(1) })) as { id: string; message_id: string };
    t.clock.advance(60_000);
    // The "dead" worker claims it and never finishes.
    expect((await claimDueEmails(t.appCtx.database.db, t.clock.now(), SCHEDULED_EMAIL.leaseMs, 10)).map((r) => r.id)).toContain(id);
    expect(await sendDueEmails(mailB)).toBe(0);
    t.clock.advance(SCHEDULED_EMAIL.leaseMs);
    expect(await sendDueEmails(mailB)).toBe(1);
    expect(mail.received.map((m) => messageIdOf(m.raw))).toEqual([message_id]);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('retries a transient SMTP failure with backoff; a permanent refusal fails it', async () => {
    const f = await newFacts();
    const { id } = (await send(f, { to: 'a@example.com', subject: 'retry', text: 't', send_at: inMinutes(1) })) as { id: string };
    t.clock.advance(60_000);
    mail.refusals.push(451);
    expect(await sendDueEmails(mailA)).toBe(1);
    const after = await row(id);
    expect(after).toMatchObject({ status: 'scheduled', attempts: 1, last_error: 'smtp 451 EMESSAGE' });
    const wait = new Date(String(after.next_attempt_at)).getTime() - t.clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(emailRetryDelayMs(1, 0));
    expect(wait).toBeLessThanOrEqual(emailRetryDelayMs(1, 1));
    expect(await sendDueEmails(mailA)).toBe(0);
    t.clock.advance(wait);
    expect(await sendDueEmails(mailA)).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });

    const { id: refused } = (await send(f, { to: 'a@example.com', subject: 'refused', text: 't', send_at: inMinutes(1) })) as { id: string };
    t.clock.advance(60_000);
    mail.refusals.push(550);
    expect(await sendDueEmails(mailA)).toBe(1);
    expect(await row(refused)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'smtp 550 EMESSAGE' });
    expect(mail.received.map((m) => /^Subject: (.+)$/m.exec(m.raw)?.[1])).toEqual(['retry']);
  });

  it('cancels the pending messages when the deployment is deleted; nothing is sent, nothing more can be scheduled', async () => {
    const f = await newFacts();
    const { id } = (await send(f, { to: 'a@example.com', subject: 'never', text: 't', send_at: inMinutes(10) })) as { id: string };
    const deleted = await t.request('DELETE', `/deployments/${f.deploymentId}`, { token: buyer.org.orgKey });
    expect(deleted.status).toBe(200);
    expect(await row(id)).toMatchObject({ status: 'cancelled', cancelled_at: expect.anything() });
    t.clock.advance(60 * 60_000);
    expect(await Promise.all([sendDueEmails(mailA), sendDueEmails(mailB)])).toEqual([0, 0]);
    expect(mail.received).toHaveLength(0);
    expect((await refusal(send(f, { to: 'a@example.com', subject: 'late', text: 't', send_at: inMinutes(10) }))).code).toBe('deployment_deleted');
  });

  it('refuses a send_at more than 90 days ahead or not a timestamp, and more than the cap per deployment', async () => {
    const f = await newFacts();
    expect((await refusal(send(f, { to: 'a@example.com', subject: 's', text: 't', send_at: inMinutes(91 * 24 * 60) }))).code).toBe('send_at_too_far');
    expect((await refusal(send(f, { to: 'a@example.com', subject: 's', text: 't', send_at: 'tomorrow' }))).code).toBe('invalid_arguments');
    expect((await refusal(send(f, { to: 'a@example.com', subject: 's', text: 't', send_at: '2030-01-01T09:00:00' }))).code).toBe('invalid_arguments');
    const capped = createEmailCapability({ ...EMAIL_LIMITS, maxScheduledPerDeployment: 2 });
    const schedule = () => capped(mailA, f, [{ to: 'a@example.com', subject: 's', text: 't', send_at: inMinutes(5) }], ++seq);
    const results = await Promise.allSettled([schedule(), schedule(), schedule()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'email_schedule_full' });
  });
});

describe('a run retried after a lost worker', () => {
  const sequence = () => [
    { to: 'lead@example.com', subject: 'Day 0', text: 'first' },
    { to: 'lead@example.com', subject: 'Day 3', text: 'second', send_at: inMinutes(3 * 24 * 60) },
    { to: 'lead@example.com', subject: 'Day 7', text: 'third', send_at: inMinutes(7 * 24 * 60) },
  ];
  // One attempt of the run: a fresh run host (its call numbers start at 1), in the given process.
  const attempt = (app: AppContext, f: RunFacts) => {
    const host = buildRunHost(app, f, { 'email.send': createEmailCapability() });
    return (message: Record<string, unknown>) => host({ api: 'email.send', args: [message] });
  };
  const scheduledFor = async (deploymentId: string) => rowsOf(await t.appCtx.database.db.execute(sql`select subject from scheduled_emails where deployment_id = ${deploymentId} order by send_at`)).map((r) => r.subject);

  it('sends the first message once and schedules the later ones once; the retry gets the same answers', async () => {
    const f = await newFacts();
    const first = attempt(mailA, f);
    const answers: unknown[] = [];
    for (const message of sequence()) answers.push(await first(message));
    const retry = attempt(mailB, f);
    const replayed: unknown[] = [];
    for (const message of sequence()) replayed.push(await retry(message));

    expect(replayed).toEqual(answers);
    expect(mail.received.map((m) => /^Subject: (.+)$/m.exec(m.raw)?.[1])).toEqual(['Day 0']);
    expect(messageIdOf(mail.received[0]!.raw)).toBe((answers[0] as { message_id: string }).message_id);
    expect(await scheduledFor(f.deploymentId)).toEqual(['Day 3', 'Day 7']);
    // A call the first attempt never made (the run went further this time) is made.
    expect(await retry({ to: 'lead@example.com', subject: 'Extra', text: 'fourth' })).toMatchObject({ status: 'sent' });
    expect(mail.received).toHaveLength(2);
  });

  it('sends again, under the same Message-ID, a message whose attempt died during the send', async () => {
    const f = await newFacts();
    // What a worker killed between recording the call and the SMTP answer leaves behind.
    await t.appCtx.database.db.execute(sql`insert into execution_host_calls (execution_id, api, seq, status, reference) values (${f.executionId}, 'email.send', 1, 'started', '<cut-short@frameos.test>')`);
    const retry = attempt(mailB, f);
    expect(await retry(sequence()[0]!)).toEqual({ status: 'sent', message_id: '<cut-short@frameos.test>' });
    expect(mail.received.map((m) => messageIdOf(m.raw))).toEqual(['<cut-short@frameos.test>']);
    expect(await attempt(mailA, f)(sequence()[0]!)).toEqual({ status: 'sent', message_id: '<cut-short@frameos.test>' });
    expect(mail.received).toHaveLength(1);
  });

  it('sends on the retry a message the mail server refused on the first attempt', async () => {
    const f = await newFacts();
    mail.refusals.push(451);
    expect((await refusal(attempt(mailA, f)(sequence()[0]!))).code).toBe('email_failed');
    expect(mail.received).toHaveLength(0);
    const sent = (await attempt(mailB, f)(sequence()[0]!)) as { message_id: string };
    expect(mail.received.map((m) => messageIdOf(m.raw))).toEqual([sent.message_id]);
  });
});
