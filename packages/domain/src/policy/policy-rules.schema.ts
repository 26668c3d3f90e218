import { z } from 'zod';
import { isCurrencyCode } from '../money/currencies.ts';
import { isValidCidr } from './ip-allowlist.ts';
import { isTimeZone } from './time-window.ts';
import { VENDOR_ID_PATTERN } from '../vendors/vendor-id.ts';

const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const MAX_IP_ALLOWLIST_ENTRIES = 100;

function isUnique(values: readonly string[]): boolean {
  return new Set(values).size === values.length;
}

const minorAmount = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const WeekdaySchema = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

export const TimeWindowSchema = z
  .strictObject({
    start: z.string().regex(HH_MM, 'must be HH:MM between 00:00 and 23:59'),
    end: z.string().regex(HH_MM, 'must be HH:MM between 00:00 and 23:59'),
    timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Kolkata'),
    days: z.array(WeekdaySchema).min(1).refine(isUnique, 'days must not repeat').optional(),
  })
  .refine((window) => window.start !== window.end, {
    message: 'end must differ from start (a window that never closes needs no time_window)',
    path: ['end'],
  });

// Strict objects: a misspelt rule (say `per_tx_limit`) must be an error, not a rule silently dropped.
export const PolicyRulesSchema = z
  .strictObject({
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an uppercase ISO 4217 code').refine(isCurrencyCode, 'unknown ISO 4217 currency code'),
    vendor_allowlist: z
      .array(z.string().regex(VENDOR_ID_PATTERN, 'vendor ids are lowercase letters, digits, _ . - (max 64)'))
      .min(1, 'at least one vendor must be allowed')
      .refine(isUnique, 'vendor_allowlist entries must be unique'),
    per_tx_cap: minorAmount,
    daily_limit: minorAmount,
    approval_threshold: minorAmount.nullable().optional(),
    time_window: TimeWindowSchema.nullable().optional(),
    ip_allowlist: z
      .array(z.string().refine(isValidCidr, 'must be an IPv4/IPv6 address or CIDR'))
      .max(MAX_IP_ALLOWLIST_ENTRIES)
      .nullable()
      .optional(),
  })
  .refine((rules) => rules.per_tx_cap <= rules.daily_limit, {
    message: 'per_tx_cap must not exceed daily_limit',
    path: ['per_tx_cap'],
  });
