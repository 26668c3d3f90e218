import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { packageAgent, type AgentPackage } from '@frameos/agent-sdk/node';
import type { Sandbox } from '@frameos/sandbox';
import type { ExecutionWorker } from '../../src/modules/executions/execution-runner.ts';
import { closeBrowser, closeEmailTransport, defaultCapabilities, listScheduledEmails, sendDueEmails } from '../../src/modules/executions/capabilities/index.ts';
import { startProfileSite, type ProfileSite } from '../support/profile-site.ts';
import { messageIdOf, startSmtpReceiver, subjectOf, type SmtpReceiver } from '../support/smtp-receiver.ts';
import { sqlReaderOf } from '../support/sql-reader.ts';
import { useTestApp } from '../support/test-app.ts';
import {
  deploy, developer, marketplaceEnv, newSandbox, payer, platformAdminToken, publishAgent, testWorker, walletBalance,
  type DeveloperFixture, type PayerFixture,
} from '../support/marketplace-kit.ts';

// The two native catalogue agents on the platform: packaged with the SDK, published, deployed and run
// by a worker with its real capabilities. LinkedIn Outreach's configuration error is checked here (its
// run in real Chromium is in test/chromium, `npm run test:chromium`); Email Drip Campaign's messages
// reach a real SMTP server, the later ones when the test clock is fast-forwarded (no sleeps), and
// none after a deployment is deleted.

const AGENTS = join(import.meta.dirname, '../../../../agents');
const DAY = 86_400_000;

let mail: SmtpReceiver;
let site: ProfileSite;
/** Bundled while the app starts (publishAgent sets the developer id). */
let packaged: Promise<[AgentPackage, AgentPackage]>;

beforeAll(async () => {
  const pack = (name: string) => packageAgent(join(AGENTS, name, 'src/index.ts'), { developerId: 'dev_pending' });
  packaged = Promise.all([pack('linkedin-outreach'), pack('email-sequence')]);
  packaged.catch(() => undefined); // awaited in the next beforeAll
  mail = await startSmtpReceiver();
  site = await startProfileSite();
});

// Started after the servers above (its options read their URLs); the profile site is on loopback.
const t = useTestApp(() => ({ env: { ...marketplaceEnv, RUNTIME_ALLOW_PRIVATE_NETWORKS: '1', SMTP_URL: mail.url, SMTP_FROM: 'FrameOS agents <agents@frameos.test>' } }));
let sandbox: Sandbox;
let worker: ExecutionWorker;
let dev: DeveloperFixture;
let linkedin: AgentPackage;
let drip: AgentPackage;

beforeAll(async () => {
  sandbox = newSandbox();
  worker = testWorker(t, sandbox, defaultCapabilities(t.appCtx));
  const admin = await platformAdminToken(t);
  dev = await developer(t, 'FrameOS Demo');
  [linkedin, drip] = await packaged;
  for (const pkg of [linkedin, drip]) await publishAgent(t, dev, admin, { manifest: pkg.manifest as never, code: pkg.code });
});

afterAll(async () => {
  await closeBrowser(t.appCtx);
  closeEmailTransport(t.appCtx);
  await sandbox.close();
  await site.close();
  await mail.close();
});

beforeEach(() => {
  mail.received.length = 0;
  site.providerCalls.length = 0;
});

async function run(who: PayerFixture, agentId: string, deploymentId: string, inputs: Record<string, unknown>) {
  const queued = await t.request('POST', `/agents/${agentId}/execute`, { token: who.agentKey, body: { deployment_id: deploymentId, inputs } });
  expect(queued.status, queued.text).toBe(202);
  await worker.drain();
  const done = await t.request('GET', `/executions/${queued.body.execution_id}`, { token: who.agentKey });
  return { queued: queued.body, done: done.body };
}


describe('LinkedIn Outreach (agt_linkedin_outreach) on the platform, without Chromium', () => {
  it('a deployment without a provider fails with a configuration error and is not charged', async () => {
    const buyer = await payer(t, ['agt_linkedin_outreach']);
    const deployment = await deploy(t, buyer, 'agt_linkedin_outreach', { allowed_hosts: ['127.0.0.1'] });
    const { done } = await run(buyer, 'agt_linkedin_outreach', deployment, { profile_url: `${site.url}/in/marie-curie` });
    expect(done).toMatchObject({ status: 'failed', error: { code: 'agent_error', message: expect.stringMatching(/^configuration: set config\.provider_url/) } });
    expect(site.providerCalls).toHaveLength(0);
    expect(await walletBalance(t, buyer)).toBe(10_000);
  });
});

describe('Email Drip Campaign (agt_email_sequence) on the platform', () => {
  const steps = [
    { subject: 'Welcome, {{first_name}}', text: 'Hi {{first_name}}, welcome aboard.', delay_days: 0 },
    { subject: 'Tips for {{company|your team}}', text: 'Three tips, {{first_name}}.', delay_days: 2 },
    { subject: 'Checking in, {{first_name}}', text: 'Any questions?', delay_days: 3 },
  ];

  it('sends step 1 at once and the later steps when due; a deleted deployment\'s later steps are never sent; the subscription is charged once', async () => {
    const buyer = await payer(t, ['agt_email_sequence']);
    const first = await deploy(t, buyer, 'agt_email_sequence');
    const second = await deploy(t, buyer, 'agt_email_sequence');
    // Each deployment's first 30-day period, charged at deploy; runs cost nothing while paid up.
    expect(await walletBalance(t, buyer)).toBe(10_000 - 2 * 500);
    const start = t.clock.now().toISOString();

    const a = await run(buyer, 'agt_email_sequence', first, { recipient: { email: 'ada@example.com', name: 'Ada Lovelace', fields: { company: 'Engines Ltd' } }, steps, start_at: start });
    expect(a.queued.held).toEqual({ amount: 0, currency: 'USD' });
    expect(a.done, JSON.stringify(a.done.error)).toMatchObject({ status: 'succeeded', cost: { amount: 0, currency: 'USD' }, outputs: { sent: 1, scheduled: 2, failed: 0, recipients: 1 } });
    const emails = a.done.outputs.emails as { step: number; status: string; id: string | null; message_id: string; send_at: string }[];
    expect(emails.map((e) => [e.step, e.status])).toEqual([[1, 'sent'], [2, 'scheduled'], [3, 'scheduled']]);
    expect(emails.map((e) => Date.parse(e.send_at) - Date.parse(start)).slice(1)).toEqual([2 * DAY, 5 * DAY]);
    expect(mail.received.map((m) => [m.to, subjectOf(m.raw)])).toEqual([[['ada@example.com'], 'Welcome, Ada']]);
    // campaign.scheduled went out as the deploying org's agent.event.
    const events = await sqlReaderOf(t)`select payload::text as payload from events where org_id = ${buyer.org.orgId} and type = 'agent.event'`;
    expect(events).toHaveLength(1);
    expect(JSON.parse(String(events[0]!.payload))).toMatchObject({ data: { execution_id: a.done.execution_id, deployment_id: first, type: 'campaign.scheduled', data: { campaign_id: a.done.execution_id, sent: 1, scheduled: 2 } } });

    const b = await run(buyer, 'agt_email_sequence', second, { recipient: { email: 'bob@example.com', name: 'Bob' }, steps, start_at: start });
    expect(b.done).toMatchObject({ status: 'succeeded', outputs: { sent: 1, scheduled: 2 } });
    expect(mail.received.map((m) => subjectOf(m.raw))).toEqual(['Welcome, Ada', 'Welcome, Bob']);
    expect((await t.request('DELETE', `/deployments/${second}`, { token: buyer.org.orgKey })).status).toBe(200);
    expect((await listScheduledEmails(t.appCtx.database.db, second, 10)).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);

    // Fast-forward: nothing before it is due, then step 2 on day 2 and step 3 on day 5, only for Ada.
    mail.received.length = 0;
    t.clock.advance(2 * DAY - 60_000);
    expect(await sendDueEmails(t.appCtx)).toBe(0);
    t.clock.advance(60_000);
    expect(await sendDueEmails(t.appCtx)).toBe(1);
    t.clock.advance(3 * DAY);
    expect(await sendDueEmails(t.appCtx)).toBe(1);
    t.clock.advance(30 * DAY);
    expect(await sendDueEmails(t.appCtx)).toBe(0);
    expect(mail.received.map((m) => [m.to, subjectOf(m.raw)])).toEqual([[['ada@example.com'], 'Tips for Engines Ltd'], [['ada@example.com'], 'Checking in, Ada']]);
    expect(mail.received.map((m) => messageIdOf(m.raw))).toEqual([emails[1]!.message_id, emails[2]!.message_id]);
    expect(mail.received[1]!.raw).toContain('Any questions?');
    expect((await listScheduledEmails(t.appCtx.database.db, first, 10)).map((r) => r.status)).toEqual(['sent', 'sent']);
    // Two runs, still only the two deploy charges (the renewal 30 days on is the worker's, not run here).
    expect(await walletBalance(t, buyer)).toBe(10_000 - 2 * 500);
  });
});
