import { assertMinorAmount, formatMinor } from '../money/money.ts';
import { ipAllowed } from './ip-allowlist.ts';
import { localTimeParts, withinTimeWindow } from './time-window.ts';
import type { PolicyRules, PolicyViolationReason, RiskTier, TimeWindow } from './types.ts';

export type PolicyCheck = {
  vendor: string;
  amount: number;
  currency: string;
  at: Date;
  ip?: string | null;
  /** Settled plus in-flight spend already counted in the policy's current day, in minor units. */
  spentToday: number;
};

export type PolicyDecision = { ok: true } | { ok: false; reason: PolicyViolationReason; message: string };

function violation(reason: PolicyViolationReason, message: string): PolicyDecision {
  return { ok: false, reason, message };
}

function describeWindow(window: TimeWindow): string {
  const days = window.days ? ` on ${window.days.join(', ')}` : '';
  return `${window.start}–${window.end} ${window.timezone}${days}`;
}

function localClock(at: Date, timezone: string): string {
  const { hour, minute, weekday } = localTimeParts(at, timezone);
  return `${weekday} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/**
 * Checks one payment against one policy version. The order is fixed so that the reason given is
 * stable: the cheapest, most fundamental checks come first and the daily limit, which depends on
 * other payments, comes last.
 */
export function evaluatePolicy(rules: PolicyRules, check: PolicyCheck): PolicyDecision {
  const amount = assertMinorAmount(check.amount);
  const spentToday = assertMinorAmount(check.spentToday, { allowZero: true });
  const money = (value: number) => `${formatMinor(value, rules.currency)} ${rules.currency}`;

  if (check.currency !== rules.currency) {
    return violation('currency_mismatch', `currency ${check.currency} does not match the policy currency ${rules.currency}`);
  }
  if (!rules.vendor_allowlist.includes(check.vendor)) {
    return violation('vendor_not_allowed', `vendor "${check.vendor}" is not on the policy's vendor allowlist`);
  }
  if (amount > rules.per_tx_cap) {
    return violation('amount_over_cap', `amount ${money(amount)} exceeds the per-transaction cap of ${money(rules.per_tx_cap)}`);
  }
  if (rules.ip_allowlist && rules.ip_allowlist.length > 0) {
    if (!check.ip) return violation('ip_not_allowed', "the policy has an IP allowlist but the request's IP is unknown");
    if (!ipAllowed(check.ip, rules.ip_allowlist)) {
      return violation('ip_not_allowed', `IP ${check.ip} is not on the policy's IP allowlist`);
    }
  }
  if (rules.time_window && !withinTimeWindow(check.at, rules.time_window)) {
    const window = rules.time_window;
    return violation(
      'outside_time_window',
      `local time ${localClock(check.at, window.timezone)} is outside the allowed window ${describeWindow(window)}`,
    );
  }
  // Compared as a difference so that huge inputs cannot overflow on the way.
  if (amount > rules.daily_limit - spentToday) {
    return violation(
      'daily_limit_exceeded',
      `amount ${money(amount)} on top of ${money(spentToday)} already spent today exceeds the daily limit of ${money(rules.daily_limit)}`,
    );
  }
  return { ok: true };
}

/** The zone whose calendar day the daily limit counts: the time window's, else UTC. */
export function policyTimezone(rules: PolicyRules): string {
  return rules.time_window?.timezone ?? 'UTC';
}

/** HIGH risk always needs a human; otherwise only amounts at or above the approval threshold do. */
export function requiresApproval(riskTier: RiskTier, amount: number, rules: PolicyRules): boolean {
  if (riskTier === 'HIGH') return true;
  return rules.approval_threshold != null && amount >= rules.approval_threshold;
}
