/** An error and the causes it wraps (Drizzle wraps the driver's error as `cause`), outermost first. */
export function* causeChain(err: unknown, maxDepth = 4): Generator<{ code?: unknown; message?: unknown; constraint?: unknown }> {
  let current = err as { cause?: unknown } | null | undefined;
  for (let depth = 0; current && typeof current === 'object' && depth < maxDepth; depth++) {
    yield current as { code?: unknown; message?: unknown; constraint?: unknown };
    current = current.cause as typeof current;
  }
}

/** The SQLSTATE of a database error, whether the driver threw it directly or Drizzle wrapped it as its cause. */
export function pgErrorCode(err: unknown): string | undefined {
  for (const e of causeChain(err)) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

/** The name of the constraint a database error violated, if it names one. */
export function pgConstraint(err: unknown): string | undefined {
  for (const e of causeChain(err)) {
    if (typeof e.constraint === 'string') return e.constraint;
  }
  return undefined;
}

export const isUniqueViolation = (err: unknown) => pgErrorCode(err) === '23505';
export const isCheckViolation = (err: unknown) => pgErrorCode(err) === '23514';
/** Serialization failure or deadlock: the transaction may simply be run again. */
export const isRetryableConflict = (err: unknown) => ['40001', '40P01'].includes(pgErrorCode(err) ?? '');
