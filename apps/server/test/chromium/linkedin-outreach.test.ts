import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { packageAgent, type AgentPackage } from '@frameos/agent-sdk/node';
import type { Sandbox } from '@frameos/sandbox';
import type { ExecutionWorker } from '../../src/modules/executions/execution-runner.ts';
import { closeBrowser, defaultCapabilities } from '../../src/modules/executions/capabilities/index.ts';
import { startProfileSite, type ProfileSite } from '../support/profile-site.ts';
import { useTestApp } from '../support/test-app.ts';
import {
  deploy, developer, expectExecutionHoldResolved, marketplaceBalance, marketplaceEnv, newSandbox, payer, platformAdminToken, publishAgent, testWorker, walletBalance,
  type DeveloperFixture, type PayerFixture,
} from '../support/marketplace-kit.ts';

// LinkedIn Outreach on the platform with its real browser_automation capability: packaged with the
// SDK, published, deployed and run by a worker that reads a local site's profile page in Debian's
// Chromium and sends the note to a local provider. (Without Chromium, its configuration error is
// tested in npm test: http/native-agents.test.ts.)

const AGENTS = join(import.meta.dirname, '../../../../agents');

let site: ProfileSite;
let packaged: Promise<AgentPackage>;

beforeAll(async () => {
  packaged = packageAgent(join(AGENTS, 'linkedin-outreach', 'src/index.ts'), { developerId: 'dev_pending' });
  packaged.catch(() => undefined); // awaited in the next beforeAll
  site = await startProfileSite();
});

// The profile site is on loopback.
const t = useTestApp({ env: { ...marketplaceEnv, RUNTIME_ALLOW_PRIVATE_NETWORKS: '1' } });
let sandbox: Sandbox;
let worker: ExecutionWorker;
let dev: DeveloperFixture;

beforeAll(async () => {
  sandbox = newSandbox();
  worker = testWorker(t, sandbox, defaultCapabilities(t.appCtx));
  const admin = await platformAdminToken(t);
  dev = await developer(t, 'FrameOS Demo');
  const linkedin = await packaged;
  await publishAgent(t, dev, admin, { manifest: linkedin.manifest as never, code: linkedin.code });
});

afterAll(async () => {
  await closeBrowser(t.appCtx);
  await sandbox.close();
  await site.close();
});

beforeEach(() => {
  site.providerCalls.length = 0;
});

async function run(who: PayerFixture, agentId: string, deploymentId: string, inputs: Record<string, unknown>) {
  const queued = await t.request('POST', `/agents/${agentId}/execute`, { token: who.agentKey, body: { deployment_id: deploymentId, inputs } });
  expect(queued.status, queued.text).toBe(202);
  await worker.drain();
  const done = await t.request('GET', `/executions/${queued.body.execution_id}`, { token: who.agentKey });
  return { queued: queued.body, done: done.body };
}

describe('LinkedIn Outreach (agt_linkedin_outreach) on the platform', () => {
  it('reads the profile in Chromium, sends the personalised note to the provider with the bearer key; 50 cents per run', async () => {
    const buyer = await payer(t, ['agt_linkedin_outreach']);
    const deployment = await deploy(t, buyer, 'agt_linkedin_outreach', {
      config: { provider_url: `${site.url}/v1/connection-requests` }, secrets: { provider_api_key: 'pk_live_test' }, allowed_hosts: ['127.0.0.1'],
    });
    const devBefore = await marketplaceBalance(t, 'developer_payable', `${dev.developerId}/agt_linkedin_outreach`);
    const profileUrl = `${site.url}/in/marie-curie`;
    const { queued, done } = await run(buyer, 'agt_linkedin_outreach', deployment, { profile_url: profileUrl, message_template: 'Hi {{first_name}}, your research at {{company}} ({{location}}) is inspiring. Happy to connect!' });
    expect(queued.held).toEqual({ amount: 50, currency: 'USD' });
    const message = 'Hi Marie, your research at Radium Labs (Zürich, Switzerland) is inspiring. Happy to connect!';
    expect(done, JSON.stringify(done.error)).toMatchObject({
      status: 'succeeded', cost: { amount: 50, currency: 'USD' },
      outputs: { profile_url: profileUrl, name: 'Marie Curie', first_name: 'Marie', headline: 'Head of Research at Radium Labs', company: 'Radium Labs', location: 'Zürich, Switzerland', message, truncated: false, sent: true, request_id: 'cr_1', status: 'pending' },
    });
    expect(site.providerCalls).toHaveLength(1);
    expect(site.providerCalls[0]!.headers).toMatchObject({ authorization: 'Bearer pk_live_test', 'content-type': 'application/json', 'idempotency-key': done.execution_id });
    expect(JSON.parse(site.providerCalls[0]!.body)).toEqual({ profile_url: profileUrl, message });
    expect(await walletBalance(t, buyer)).toBe(10_000 - 50);
    // 50 split: floor(50 × 20 %) = 10 to the platform, 40 to the developer.
    expect(await marketplaceBalance(t, 'developer_payable', `${dev.developerId}/agt_linkedin_outreach`)).toBe(devBefore + 40);
    await expectExecutionHoldResolved(t, done.payment_id);

  });
});
