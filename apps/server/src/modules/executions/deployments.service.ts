import { DomainError, invalidField, notFound, type AgentManifest } from '@frameos/domain';
import type { Executor } from '@frameos/db';
import type { RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { toPage } from '../../lib/pagination.ts';
import { openSecret, sealSecret } from '../../lib/secret-box.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { agentScope, assertCanWrite, canSeeAgentAccount } from '../auth/principal.ts';
import { getVisibleAgentAccount } from '../agent-accounts/agent-accounts.service.ts';
import { loadPolicy } from '../policies/policies.service.ts';
import { ensureMarketplaceVendor } from '../vendors/vendors.service.ts';
import { loadRunnableVersion } from '../registry/registry.service.ts';
import { findDeployment, insertDeployment, listDeployments, updateDeployment, type DeploymentRow } from './deployments.repo.ts';
import { chargeSubscriptionPeriod } from './subscriptions.service.ts';

export type { DeploymentRow } from './deployments.repo.ts';

const DEFAULT_MAX_CONCURRENCY = 5;

export function deploymentDto(row: DeploymentRow, pricing: { model: string; amount: number; currency: string }) {
  return {
    object: 'deployment' as const,
    deployment_id: row.id,
    id: row.id,
    agent_id: row.agentId,
    version: row.version,
    agent_account_id: row.agentAccountId,
    policy_id: row.policyId,
    status: row.status,
    config: row.config,
    secret_names: row.secretNames,
    allowed_hosts: row.allowedHosts,
    max_concurrency: row.maxConcurrency,
    pricing,
    paid_until: row.paidUntil?.toISOString() ?? null,
    pending_mandate_id: row.pendingMandateId,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export interface DeployInput {
  agent_account_id: string;
  policy_id: string;
  version?: string | undefined;
  config?: Record<string, unknown> | undefined;
  secrets?: Record<string, string> | undefined;
  allowed_hosts?: string[] | undefined;
  max_concurrency?: number | undefined;
}

/**
 * Deploys an approved agent version for one of the org's agent accounts, paying under one of that
 * account's policies. The agent becomes a vendor of the org (rail `marketplace`), so the policy's
 * vendor allowlist decides whether its runs may be paid. Secrets are sealed with AES-256-GCM and
 * only their names are ever shown again.
 */
export async function deployAgent(ctx: RequestContext, agentId: string, input: DeployInput) {
  assertCanWrite(ctx.principal);
  if (ctx.principal.type === 'agent') throw new DomainError('forbidden', 'An agent key cannot deploy agents; use the organization key or a member session.');
  return inTransaction(ctx, async (tx) => {
    const runnable = await loadRunnableVersion(tx, agentId, input.version);
    await getVisibleAgentAccount(tx, ctx, input.agent_account_id);
    const policy = await loadPolicy(tx, ctx, input.policy_id);
    if (policy.row.agentAccountId !== input.agent_account_id) throw invalidField('body.policy_id', 'the policy belongs to another agent account');
    await ensureMarketplaceVendor(tx, ctx.principal.orgId, agentId, runnable.manifest.name, ctx.now);
    const id = newId('deployment');
    const secrets = input.secrets ?? {};
    const row: DeploymentRow = {
      id,
      orgId: ctx.principal.orgId,
      agentId,
      version: runnable.version,
      agentAccountId: input.agent_account_id,
      policyId: input.policy_id,
      status: 'active',
      config: input.config ?? {},
      secretsSealed: Object.keys(secrets).length > 0 ? sealSecret(ctx.app.config.secretsEncryptionKey, JSON.stringify(secrets), id) : null,
      secretNames: Object.keys(secrets).sort(),
      allowedHosts: [...new Set(input.allowed_hosts ?? [])],
      maxConcurrency: input.max_concurrency ?? DEFAULT_MAX_CONCURRENCY,
      paidUntil: null,
      pendingMandateId: null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      deletedAt: null,
    };
    if (runnable.manifest.pricing.model === 'subscription') {
      // The first period is paid now, through the policy; if a person must approve it, the
      // deployment waits past_due until the renewal job finds the mandate approved.
      const charge = await chargeSubscriptionPeriod(tx, ctx, row, runnable, ctx.now);
      if (charge.paid) row.paidUntil = charge.paidUntil;
      else Object.assign(row, { status: 'past_due', paidUntil: ctx.now, pendingMandateId: charge.pendingMandateId });
    }
    await insertDeployment(tx, row);
    return deploymentDto(row, runnable.manifest.pricing);
  });
}

/** A deployment the caller may see: the org's, and for an agent key only its own account's. */
export async function loadDeployment(db: Executor, ctx: RequestContext, id: string, forUpdate = false): Promise<DeploymentRow> {
  const row = await findDeployment(db, ctx.principal.orgId, id, forUpdate);
  if (!row || !canSeeAgentAccount(ctx.principal, row.agentAccountId)) throw notFound('Deployment', id);
  return row;
}

/** The deployment's secrets, opened for a run (never logged, never returned by the API). */
export function deploymentSecrets(ctx: Pick<RequestContext, 'app'>, row: Pick<DeploymentRow, 'id' | 'secretsSealed'>): Record<string, string> {
  if (!row.secretsSealed) return {};
  return JSON.parse(openSecret(ctx.app.config.secretsEncryptionKey, row.secretsSealed, row.id)) as Record<string, string>;
}

async function pricingOf(db: Executor, row: DeploymentRow): Promise<AgentManifest['pricing']> {
  return (await loadRunnableVersion(db, row.agentId, row.version, { allowSuspended: true })).manifest.pricing;
}

export async function getDeployment(ctx: RequestContext, id: string) {
  const row = await loadDeployment(ctx.db, ctx, id);
  return deploymentDto(row, await pricingOf(ctx.db, row));
}

export async function listDeploymentsPage(ctx: RequestContext, limit: number, startingAfter?: string, agentId?: string) {
  const rows = await listDeployments(ctx.db, ctx.principal.orgId, limit, { startingAfter, agentId, agentAccountId: agentScope(ctx.principal) });
  const pricing = new Map<string, AgentManifest['pricing']>();
  for (const row of rows) {
    const key = `${row.agentId}@${row.version}`;
    if (!pricing.has(key)) pricing.set(key, await pricingOf(ctx.db, row));
  }
  return toPage(rows, limit, (row) => deploymentDto(row, pricing.get(`${row.agentId}@${row.version}`)!));
}

export interface UpdateDeploymentInput {
  status?: 'active' | 'paused' | undefined;
  config?: Record<string, unknown> | undefined;
  allowed_hosts?: string[] | undefined;
  max_concurrency?: number | undefined;
}

export async function updateDeploymentSettings(ctx: RequestContext, id: string, input: UpdateDeploymentInput) {
  assertCanWrite(ctx.principal);
  if (ctx.principal.type === 'agent') throw new DomainError('forbidden', 'An agent key cannot change deployments.');
  return inTransaction(ctx, async (tx) => {
    const row = await loadDeployment(tx, ctx, id, true);
    if (input.status && row.status === 'past_due') throw new DomainError('subscription_past_due', 'The subscription renewal failed; it resumes when the renewal is paid.');
    const updated = await updateDeployment(tx, id, {
      ...(input.status ? { status: input.status } : {}),
      ...(input.config ? { config: input.config } : {}),
      ...(input.allowed_hosts ? { allowedHosts: [...new Set(input.allowed_hosts)] } : {}),
      ...(input.max_concurrency ? { maxConcurrency: input.max_concurrency } : {}),
      updatedAt: ctx.now,
    });
    return deploymentDto(updated, await pricingOf(tx, updated));
  });
}
