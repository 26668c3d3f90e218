import { policyDayBounds, policyTimezone, type PolicyRules } from '@frameos/domain';
import type { Executor } from '@frameos/db';
import { sumPolicySpend } from './spend.repo.ts';

/** What a policy has already spent on the day (in the policy's time zone) that contains `at`. */
export async function policyDaySpend(db: Executor, policyId: string, rules: PolicyRules, at: Date): Promise<number> {
  const { start, end } = policyDayBounds(at, policyTimezone(rules));
  return sumPolicySpend(db, policyId, start, end);
}
