import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { packageAgent } from '@frameos/agent-sdk/node';
import type { Tx } from '@frameos/db';
import type { AppContext, RequestContext } from '../context.ts';
import { topUpWallet } from '../modules/agent-accounts/agent-accounts.service.ts';
import { createPolicy } from '../modules/policies/policies.service.ts';
import { approveAgent, createDeveloper, registerAgentVersion } from '../modules/registry/registry.service.ts';
import { deployAgent } from '../modules/executions/deployments.service.ts';

export interface DemoMarketplace {
  developer_id: string;
  agents: string[];
  deployment_id: string;
  policy_id: string;
}

const AGENTS_DIR = new URL('../../../../agents/', import.meta.url);
const DEMO_AGENTS = ['hello-world', 'math'] as const;
/** Catalogue agents written with the SDK (agents/<name>/src/index.ts), bundled with esbuild when the demo data is seeded. */
const SDK_AGENTS = [
  'linkedin-outreach', 'email-sequence',
  // docs/catalog.md: the offline and provider-backed catalogue, whose inputs and outputs chain.
  'data-scraper', 'summarizer', 'sentiment', 'keyword-extractor', 'seo-content', 'twitter-thread', 'web-monitor',
  'lead-finder', 'email-verifier', 'lead-scorer', 'data-enrichment', 'csv-cleaner', 'invoice-parser', 'code-review',
] as const;

type DemoAgentSource = { manifest: Record<string, unknown> & { id: string; author: Record<string, unknown> }; code: string };

function agentSource(name: string): DemoAgentSource {
  return {
    manifest: JSON.parse(readFileSync(new URL(`${name}/manifest.json`, AGENTS_DIR), 'utf8')),
    code: readFileSync(new URL(`${name}/index.js`, AGENTS_DIR), 'utf8'),
  };
}

/**
 * The demo org is also a developer: it publishes hello-world and math from agents/ and the SDK
 * catalogue agents (SDK_AGENTS, packaged here), the demo user (a platform admin in development)
 * approves them, and hello-world is deployed for the research agent under a USD policy that allows
 * them all — so a new user can run a paid agent at once.
 */
export async function publishDemoAgents(appCtx: AppContext, seed: { tx: Tx; orgId: string; userId: string; agentAccountId: string; now: Date }): Promise<DemoMarketplace> {
  const base = { app: appCtx, db: seed.tx, ip: '127.0.0.1', now: seed.now, idempotency: null } as const;
  const org: RequestContext = { ...base, principal: { type: 'org_key', keyId: 'seed', orgId: seed.orgId } };
  const reviewer: RequestContext = { ...base, principal: { type: 'user', userId: seed.userId, orgId: seed.orgId, role: 'owner' } };
  const developer = await createDeveloper(org, { name: 'FrameOS Demo', email: 'demo@frameos.dev' });
  const agents: string[] = [];
  const sdkSources = await Promise.all(SDK_AGENTS.map(async (name): Promise<DemoAgentSource> => {
    const pkg = await packageAgent(fileURLToPath(new URL(`${name}/src/index.ts`, AGENTS_DIR)), { developerId: developer.developer_id });
    return { manifest: { ...pkg.manifest }, code: pkg.code };
  }));
  for (const source of [...DEMO_AGENTS.map(agentSource), ...sdkSources]) {
    const manifest = { ...source.manifest, author: { ...source.manifest.author, developer_id: developer.developer_id } };
    await registerAgentVersion(org, { manifest, code: source.code });
    await approveAgent(reviewer, manifest.id, { reason: 'Demo agent shipped with FrameOS.' });
    agents.push(manifest.id);
  }
  await topUpWallet(org, seed.agentAccountId, { amount: 50_000, currency: 'USD' });
  const policy = await createPolicy(org, {
    agent_account_id: seed.agentAccountId, name: 'Research: marketplace agents', currency: 'USD', vendor_allowlist: agents, per_tx_cap: 10_000, daily_limit: 50_000,
  });
  const deployment = await deployAgent(org, agents[0]!, { agent_account_id: seed.agentAccountId, policy_id: policy.id });
  return { developer_id: developer.developer_id, agents, deployment_id: deployment.deployment_id, policy_id: policy.id };
}
