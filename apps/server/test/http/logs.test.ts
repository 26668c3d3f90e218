import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationStream } from 'pino';
import { useTestApp } from '../support/test-app.ts';
import { issueMandate, loginToken, setupAgent, signupOrg } from '../support/fixtures.ts';
import { signedWebhook, startFakeStripe, stripeEvent, type FakeStripe } from '../support/fake-stripe.ts';
import { execute, mandateFor, railPayer } from '../support/rail-test-kit.ts';
import { agentSource, deploy, developer, marketplaceEnv, newSandbox, payer, platformAdminToken, publishAgent, testWorker } from '../support/marketplace-kit.ts';

describe('logs', () => {
  const lines: string[] = [];
  const capture: DestinationStream = { write: (line: string) => void lines.push(line) };
  // The most verbose level: redaction must hold whatever the level.
  const t = useTestApp({ env: { LOG_LEVEL: 'trace' }, log: capture });

  it('never contain API keys, passwords, session tokens or stack traces', async () => {
    const org = await signupOrg(t);
    const session = await loginToken(t, org.email, org.password);
    const agent = await setupAgent(t, org);
    const mandate = await issueMandate(t, agent, { amount: 100 });
    const executed = await t.request('POST', '/execute', { token: agent.agentKey, idempotencyKey: 'logged-key-0001', body: { mandate_id: mandate.body.id } });
    expect(executed.status).toBe(200);
    const seen = await t.request('GET', `/agent-accounts/${agent.agentId}`, { token: session });
    expect(seen.status).toBe(200);
    const failedLogin = await t.request('POST', '/auth/login', { body: { email: org.email, password: 'a wrong password, logged nowhere' } });
    expect(failedLogin.status).toBe(401);
    const badToken = await t.request('GET', '/agent-accounts', { token: 'fos_org_guessed-secret-value' });
    expect(badToken.status).toBe(401);

    const log = lines.join('');
    // The log did record these requests (so the checks below look at real output).
    for (const res of [executed, seen, failedLogin, badToken]) expect(log).toContain(res.headers['x-request-id'] as string);

    for (const secret of [org.orgKey, agent.agentKey, session, org.password, 'a wrong password, logged nowhere', 'fos_org_guessed-secret-value']) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toContain('    at ');
  });

  it('never echo the parameters of a failed query, which can carry emails and key or password hashes', async () => {
    const org = await signupOrg(t);
    await t.appCtx.database.close();
    lines.length = 0;
    const failedLogin = await t.request('POST', '/auth/login', { body: { email: org.email, password: org.password } });
    const failedCall = await t.request('GET', '/agent-accounts', { token: org.orgKey });
    expect([failedLogin.status, failedCall.status]).toEqual([503, 503]);

    const log = lines.join('');
    expect(log).toContain('request failed');
    expect(log).toMatch(/"cause":"[^"]+"/);
    expect(log).toContain(failedCall.headers['x-request-id'] as string);
    expect(log).not.toContain(org.email);
    expect(log).not.toContain(createHash('sha256').update(org.orgKey).digest('hex'));
    expect(log).not.toContain('    at ');
  });
});

describe('logs around payment rails', () => {
  const WEBHOOK_SECRET = 'whsec_logsTestSecretValueNeverLogged';
  let fake: FakeStripe;
  const lines: string[] = [];
  const capture: DestinationStream = { write: (line: string) => void lines.push(line) };

  beforeAll(async () => {
    fake = await startFakeStripe();
  });
  afterAll(async () => fake.stop());
  // Registered after the fake's hooks: starts once the fake listens, closes before it stops.
  const t = useTestApp(() => ({
    env: { LOG_LEVEL: 'trace', STRIPE_SECRET_KEY: fake.secretKey, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE_URL: fake.url, RAIL_MAX_ATTEMPTS: '2', RAIL_RETRY_BASE_MS: '1' },
    log: capture,
  }));

  it('never contain the rail secret key, the webhook secret or webhook signatures, but do log each webhook outcome', async () => {
    const payer = await railPayer(t, { rail: 'stripe', currency: 'USD', account: { customer: 'cus_Logs1', payment_method: 'pm_card_visa' } });
    fake.failNext(2, 500);
    const failed = await execute(t, payer, await mandateFor(t, payer, 500));
    expect(failed.status).toBe(200);
    const event = stripeEvent('payment_intent.succeeded', { id: 'pi_unknown', object: 'payment_intent', metadata: {} });
    const good = signedWebhook(event, WEBHOOK_SECRET);
    const forged = signedWebhook(event, 'whsec_someoneElse');
    const accepted = await t.request('POST', '/webhooks/stripe', { rawBody: good.body.toString('utf8'), headers: good.headers });
    const rejected = await t.request('POST', '/webhooks/stripe', { rawBody: forged.body.toString('utf8'), headers: forged.headers });
    expect([accepted.status, rejected.status]).toEqual([200, 400]);

    const log = lines.join('');
    expect(log).toContain('rail charge failed');
    expect(log).toMatch(/"outcome":"unmatched"/);
    expect(log).toMatch(/"outcome":"rejected"/);
    for (const secret of [fake.secretKey, WEBHOOK_SECRET, good.headers['stripe-signature']!, forged.headers['stripe-signature']!]) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toContain('    at ');
  });
});

describe('logs of marketplace runs', () => {
  const lines: string[] = [];
  const capture: DestinationStream = { write: (line: string) => void lines.push(line) };
  const t = useTestApp({ env: { LOG_LEVEL: 'trace', ...marketplaceEnv }, log: capture });
  const sandbox = newSandbox();
  afterAll(() => sandbox.close());

  it('never contain a deployment’s secrets, its inputs or its outputs', async () => {
    const admin = await platformAdminToken(t);
    const dev = await developer(t);
    await publishAgent(t, dev, admin, agentSource('hello-world'), { id: 'agt_hello_logged' });
    const buyer = await payer(t, ['agt_hello_logged']);
    const deployment = await deploy(t, buyer, 'agt_hello_logged', { secrets: { PROVIDER_TOKEN: 'sk_live_never-in-a-log' } });
    const run = await t.request('POST', '/agents/agt_hello_logged/execute', { token: buyer.org.orgKey, body: { deployment_id: deployment, inputs: { name: 'Input-That-Stays-Private' } } });
    expect(run.status).toBe(202);
    await testWorker(t, sandbox).drain();
    const done = await t.request('GET', `/executions/${run.body.execution_id}`, { token: buyer.org.orgKey });
    expect(done.body.status).toBe('succeeded');
    const log = lines.join('');
    expect(log).toContain(run.body.execution_id);
    expect(log).not.toContain('sk_live_never-in-a-log');
    expect(log).not.toContain('Input-That-Stays-Private');
  });
});
