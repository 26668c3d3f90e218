export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/**
 * "HH:MM" 24 h local times in `timezone`; start inclusive, end exclusive. An end before the start
 * wraps past midnight (22:00–06:00). `days` are the local weekdays on which the window opens.
 */
export type TimeWindow = { start: string; end: string; timezone: string; days?: Weekday[] };

/** One version of a policy's rules; all amounts are minor units of `currency`. */
export type PolicyRules = {
  currency: string;
  vendor_allowlist: string[];
  per_tx_cap: number;
  daily_limit: number;
  approval_threshold?: number | null;
  time_window?: TimeWindow | null;
  ip_allowlist?: string[] | null;
};

export type RiskTier = 'LOW' | 'MEDIUM' | 'HIGH';

export type PolicyViolationReason =
  | 'vendor_not_allowed'
  | 'amount_over_cap'
  | 'daily_limit_exceeded'
  | 'currency_mismatch'
  | 'outside_time_window'
  | 'ip_not_allowed';
