/**
 * When to try an outbound webhook again. The schedule follows the Standard Webhooks guidance
 * (immediately, then seconds, minutes, hours) and spans more than 24 hours in total, so a receiver
 * that is down for a day still gets every event. Jitter spreads retries of many deliveries that
 * failed together (a receiver outage) so they do not arrive as one burst when it comes back.
 */
export const DELIVERY_SCHEDULE_MS: readonly number[] = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** The number of attempts a delivery gets before it is given up (and its endpoint disabled). */
export const MAX_DELIVERY_ATTEMPTS = DELIVERY_SCHEDULE_MS.length;

const JITTER = 0.1;

/**
 * The delay before the next attempt after `attemptsMade` attempts failed, or null when the schedule
 * is exhausted. `random` is in [0, 1) (injected so the rule is testable); the delay varies by ±10 %.
 */
export function nextDeliveryDelayMs(attemptsMade: number, random: number): number | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) throw new RangeError('attemptsMade must be a positive integer');
  const base = DELIVERY_SCHEDULE_MS[attemptsMade];
  if (base === undefined) return null;
  const factor = 1 - JITTER + 2 * JITTER * Math.min(Math.max(random, 0), 1);
  return Math.round(base * factor);
}
