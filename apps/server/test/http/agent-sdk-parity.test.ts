import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeLocalSandbox, packageAgent, runLocally, type AgentPackage, type LocalRunResult } from '@frameos/agent-sdk/node';
import type { Sandbox } from '@frameos/sandbox';
import { useTestApp } from '../support/test-app.ts';
import {
  agentSource, deploy, developer, marketplaceEnv, newSandbox, payer, platformAdminToken, publishAgent, testWorker,
  type PayerFixture,
} from '../support/marketplace-kit.ts';
import { defaultCapabilities } from '../../src/modules/executions/capabilities/index.ts';
import type { ExecutionWorker } from '../../src/modules/executions/execution-runner.ts';

/**
 * A local run (`runLocally`, what `frameos dev` and `frameos test` use) and a run on the platform
 * (register → approve → deploy → execute → worker) of the same agent end the same way: the same
 * sandbox, the same limits, the same default-deny ctx. Proven on the malicious agent's attacks, an
 * agent without the capability it tries to use, and an SDK agent.
 */
const t = useTestApp({ env: marketplaceEnv });
let sandbox: Sandbox;
let worker: ExecutionWorker;
let buyer: PayerFixture;
const deployments = new Map<string, string>();

const EVIL = 'agt_malicious_parity';
const EVIL_NO_CAPS = 'agt_malicious_parity_nocaps';
const malicious = agentSource('malicious');
const maliciousNoCaps = { ...malicious, manifest: { ...malicious.manifest, id: EVIL_NO_CAPS, capabilities: [] } };
let greeter: AgentPackage;

const ATTACKS = [
  'read_process', 'require', 'import_fs', 'globalthis', 'function_this', 'ctx_constructor', 'prototype_pollution',
  'fetch_loopback', 'fetch_metadata', 'fetch_dns_loopback', 'timer_flood', 'stack_overflow', 'memory_bomb', 'big_output', 'log_flood',
];
const ALLOWED_HOSTS = ['api.example.com'];

beforeAll(async () => {
  sandbox = newSandbox();
  worker = testWorker(t, sandbox, defaultCapabilities(t.appCtx));
  const admin = await platformAdminToken(t);
  const dev = await developer(t, 'Parity');
  greeter = await packageAgent(join(import.meta.dirname, '../../../../packages/agent-sdk/test/fixtures/greeter/index.ts'), { developerId: dev.developerId });
  await publishAgent(t, dev, admin, malicious, { id: EVIL });
  await publishAgent(t, dev, admin, maliciousNoCaps, {});
  await publishAgent(t, dev, admin, { manifest: greeter.manifest as never, code: greeter.code }, {});
  buyer = await payer(t, [EVIL, EVIL_NO_CAPS, greeter.manifest.id], { balance: 1_000_000, policy: { daily_limit: 1_000_000 } });
  for (const id of [EVIL, EVIL_NO_CAPS, greeter.manifest.id]) deployments.set(id, await deploy(t, buyer, id, { allowed_hosts: ALLOWED_HOSTS }));
});

afterAll(async () => {
  await sandbox.close();
  await closeLocalSandbox();
});

interface Ending {
  status: string;
  code: string | null;
  outputs: unknown;
  logsTruncated: boolean;
}

async function onPlatform(agentId: string, inputs: Record<string, unknown>): Promise<Ending> {
  const queued = await t.request('POST', `/agents/${agentId}/execute`, { token: buyer.org.orgKey, body: { deployment_id: deployments.get(agentId), inputs } });
  if (queued.status !== 202) return { status: 'refused', code: queued.body.error.code === 'invalid_inputs' ? 'invalid_inputs' : queued.body.error.code, outputs: null, logsTruncated: false };
  await worker.drain();
  const done = (await t.request('GET', `/executions/${queued.body.execution_id}`, { token: buyer.org.orgKey })).body;
  return { status: done.status, code: done.error?.code ?? null, outputs: done.outputs ?? null, logsTruncated: done.logs_truncated };
}

function ending(local: LocalRunResult): Ending {
  // Locally refused inputs end the run before it starts, as the platform's 400 does.
  if (local.error?.code === 'invalid_inputs' && local.error.problems) return { status: 'refused', code: 'invalid_inputs', outputs: null, logsTruncated: false };
  return { status: local.status, code: local.error?.code ?? null, outputs: local.outputs ?? null, logsTruncated: local.logsTruncated };
}

const locally = async (agent: { manifest: object; code: string }, inputs: Record<string, unknown>) =>
  ending(await runLocally(agent as Parameters<typeof runLocally>[0], inputs, { host: { allowedHosts: ALLOWED_HOSTS } }));

/** What may differ: the free-text observation (ids, timings); the verdict and codes may not. */
function verdict(e: Ending) {
  const outputs = e.outputs as { contained?: unknown } | null;
  return { status: e.status, code: e.code, contained: outputs?.contained ?? null, logsTruncated: e.logsTruncated };
}

describe('local runs and platform runs end the same way', () => {
  it.each(ATTACKS)('the malicious agent: %s', async (attack) => {
    const [platform, local] = await Promise.all([onPlatform(EVIL, { attack }), locally({ manifest: { ...malicious.manifest, id: EVIL }, code: malicious.code }, { attack }).catch(() => null)]);
    expect(local).not.toBeNull();
    expect(verdict(local!)).toEqual(verdict(platform));
    // Everything the sandbox catches from inside reports itself contained; the rest fails with a code.
    if (platform.status === 'succeeded') expect(verdict(platform).contained).toBe(true);
    else expect(platform.code).toMatch(/memory_limit_exceeded|output_too_large|agent_error/);
  });

  it('an agent that did not declare http_request has no ctx.fetch in either', async () => {
    const platform = await onPlatform(EVIL_NO_CAPS, { attack: 'fetch_without_capability' });
    const local = await locally(maliciousNoCaps, { attack: 'fetch_without_capability' });
    expect(verdict(platform)).toEqual({ status: 'succeeded', code: null, contained: true, logsTruncated: false });
    expect(verdict(local)).toEqual(verdict(platform));
  });

  it('an SDK agent: the same outputs, the same refusals of bad inputs', async () => {
    for (const inputs of [{ name: 'Ada', style: 'loud' }, { name: 'Bob', times: 2 }, { nam: 'x' }, { name: '' }, { name: 'Ada', style: 'whisper' }]) {
      const [platform, local] = await Promise.all([onPlatform(greeter.manifest.id, inputs), locally(greeter, inputs)]);
      expect(local, JSON.stringify(inputs)).toEqual(platform);
    }
  });
});
