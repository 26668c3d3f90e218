import { DomainError } from '@frameos/domain';

/** Raw SQL returns int8 as string (node-postgres) or bigint (PGlite); money must stay an exact safe integer. */
export function minorUnits(value: unknown): number {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new DomainError('amount_overflow', 'A stored amount is outside the safe integer range.');
  return n;
}

export function asDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

/** Rows of a raw `execute`, whichever driver ran it. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  return (result as { rows: Record<string, unknown>[] }).rows;
}
