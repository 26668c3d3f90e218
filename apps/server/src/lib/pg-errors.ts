/** The SQLSTATE of a database error, whether the driver threw it directly or Drizzle wrapped it as its cause. */
export function pgErrorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

export const isUniqueViolation = (err: unknown) => pgErrorCode(err) === '23505';
export const isCheckViolation = (err: unknown) => pgErrorCode(err) === '23514';
/** Serialization failure or deadlock: the transaction may simply be run again. */
export const isRetryableConflict = (err: unknown) => ['40001', '40P01'].includes(pgErrorCode(err) ?? '');
