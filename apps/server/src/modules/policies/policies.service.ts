import { invalidFieldFromIssues, notFound, type PolicyRules, PolicyRulesSchema } from '@frameos/domain';
import type { Executor } from '@frameos/db';
import type { RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { toPage } from '../../lib/pagination.ts';
import { agentScope, canSeeAgentAccount, assertAdmin } from '../auth/principal.ts';
import { policySpendToday } from '../spend/spend.service.ts';
import { getVisibleAgentAccount } from '../agent-accounts/agent-accounts.service.ts';
import { findPolicyWithRules, insertPolicy, insertPolicyVersion, listPolicies, listPolicyVersions, lockPolicyWithRules, type PolicyRow } from './policies.repo.ts';

export interface LoadedPolicy {
  row: PolicyRow;
  rules: PolicyRules;
}

function policyDto({ row, rules }: LoadedPolicy) {
  return {
    object: 'policy' as const,
    policy_id: row.id,
    id: row.id,
    agent_account_id: row.agentAccountId,
    name: row.name,
    version: row.currentVersion,
    ...rulesOf(rules),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function rulesOf(input: PolicyRules): PolicyRules {
  return {
    currency: input.currency,
    vendor_allowlist: input.vendor_allowlist,
    per_tx_cap: input.per_tx_cap,
    daily_limit: input.daily_limit,
    approval_threshold: input.approval_threshold ?? null,
    time_window: input.time_window ?? null,
    ip_allowlist: input.ip_allowlist ?? null,
  };
}

/** Loads the policy's current version; with forUpdate the policy row is locked, serialising spend checks on it. */
export async function loadPolicy(db: Executor, ctx: RequestContext, id: string, forUpdate = false): Promise<LoadedPolicy> {
  const found = forUpdate ? await lockPolicyWithRules(db, ctx.principal.orgId, id) : await findPolicyWithRules(db, ctx.principal.orgId, id);
  if (!found || !canSeeAgentAccount(ctx.principal, found.policy.agentAccountId)) throw notFound('Policy', id);
  return { row: found.policy, rules: found.rules as unknown as PolicyRules };
}

export async function createPolicy(ctx: RequestContext, input: PolicyRules & { agent_account_id: string; name: string }) {
  assertAdmin(ctx.principal);
  const id = newId('policy');
  const rules = rulesOf(input);
  return inTransaction(ctx, async (tx) => {
    await getVisibleAgentAccount(tx, ctx, input.agent_account_id);
    await insertPolicy(tx, { id, orgId: ctx.principal.orgId, agentAccountId: input.agent_account_id, name: input.name, currentVersion: 1, createdAt: ctx.now, updatedAt: ctx.now }, { ...rules });
    return policyDto(await loadPolicy(tx, ctx, id));
  });
}

export async function updatePolicy(ctx: RequestContext, id: string, changes: Partial<PolicyRules> & { name?: string | undefined }) {
  assertAdmin(ctx.principal);
  return inTransaction(ctx, async (tx) => {
    const current = await loadPolicy(tx, ctx, id, true);
    const { name, ...ruleChanges } = changes;
    const parsed = PolicyRulesSchema.safeParse({ ...current.rules, ...ruleChanges });
    if (!parsed.success) throw invalidFieldFromIssues('body', parsed.error.issues);
    const version = current.row.currentVersion + 1;
    await insertPolicyVersion(tx, id, version, name ?? current.row.name, { ...rulesOf(parsed.data) }, ctx.now);
    return policyDto(await loadPolicy(tx, ctx, id));
  });
}

export async function getPolicy(ctx: RequestContext, id: string) {
  return policyDto(await loadPolicy(ctx.db, ctx, id));
}

export async function listPoliciesPage(ctx: RequestContext, limit: number, startingAfter?: string, agentAccountId?: string) {
  const scope = agentScope(ctx.principal);
  const rows = await listPolicies(ctx.db, ctx.principal.orgId, limit, startingAfter, scope ?? agentAccountId);
  return toPage(rows.map((r) => ({ id: r.policy.id, loaded: { row: r.policy, rules: r.rules as unknown as PolicyRules } })), limit, (r) => policyDto(r.loaded));
}


/** Today's spend of a policy against its daily limit and per-transaction cap. */
export async function getPolicySpend(ctx: RequestContext, id: string) {
  const policy = await loadPolicy(ctx.db, ctx, id);
  return policySpendToday(ctx.db, policy.row.id, policy.rules, ctx.now);
}

/** The policy's history: every version's rules as signed into the mandates made under it. */
export async function listVersionsOfPolicy(ctx: RequestContext, id: string) {
  const policy = await loadPolicy(ctx.db, ctx, id);
  const versions = await listPolicyVersions(ctx.db, policy.row.id);
  return {
    object: 'list' as const,
    data: versions.map((v) => ({
      object: 'policy_version' as const,
      policy_id: v.policyId,
      version: v.version,
      current: v.version === policy.row.currentVersion,
      ...rulesOf(v.rules as unknown as PolicyRules),
      created_at: v.createdAt.toISOString(),
    })),
    has_more: false,
    next_cursor: null,
  };
}
