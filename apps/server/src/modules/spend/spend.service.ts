import { localMonthBounds, policyDayBounds, policyTimezone, type PolicyRules } from '@frameos/domain';
import type { Executor } from '@frameos/db';
import type { RequestContext } from '../../context.ts';
import { agentScope } from '../auth/principal.ts';
import { sumOrgSpendByCurrency, sumPolicySpend } from './spend.repo.ts';

/** What a policy has already spent on the day (in the policy's time zone) that contains `at`. */
export async function policyDaySpend(db: Executor, policyId: string, rules: PolicyRules, at: Date): Promise<number> {
  const { start, end } = policyDayBounds(at, policyTimezone(rules));
  return sumPolicySpend(db, policyId, start, end);
}

/** A policy's spend today against its limits, as the policy check will see it on the next request. */
export async function policySpendToday(db: Executor, policyId: string, rules: PolicyRules, at: Date) {
  const timeZone = policyTimezone(rules);
  const { start, end } = policyDayBounds(at, timeZone);
  const spent = await sumPolicySpend(db, policyId, start, end);
  return {
    object: 'policy_spend' as const,
    policy_id: policyId,
    currency: rules.currency,
    time_zone: timeZone,
    day_start: start.toISOString(),
    day_end: end.toISOString(),
    spent_today: spent,
    daily_limit: rules.daily_limit,
    remaining_today: Math.max(0, rules.daily_limit - spent),
    per_tx_cap: rules.per_tx_cap,
    // The largest single payment the next request could make: the cap or what is left of the day.
    max_next_payment: Math.max(0, Math.min(rules.per_tx_cap, rules.daily_limit - spent)),
  };
}

/** The caller's spend today and this month per currency (an agent key sees its own account only). */
export async function spendSummary(ctx: RequestContext, timeZone: string) {
  const scope = agentScope(ctx.principal) ?? undefined;
  const period = async ({ start, end }: { start: Date; end: Date }) => ({
    start: start.toISOString(),
    end: end.toISOString(),
    totals: await sumOrgSpendByCurrency(ctx.db, ctx.principal.orgId, start, end, scope),
  });
  return {
    object: 'spend_summary' as const,
    time_zone: timeZone,
    today: await period(policyDayBounds(ctx.now, timeZone)),
    month: await period(localMonthBounds(ctx.now, timeZone)),
  };
}
