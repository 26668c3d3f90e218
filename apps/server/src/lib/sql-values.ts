import { DomainError } from '@frameos/domain';

/** Raw SQL returns int8 as string (node-postgres) or bigint (PGlite); it must come back as an exact safe integer. */
export function exactInteger(value: unknown): number {
  const n = typeof value === 'bigint' || typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new DomainError('amount_overflow', 'A stored number is outside the safe integer range.');
  return n;
}

/** Money read by raw SQL, in minor units. */
export const minorUnits = exactInteger;

/** Rows of a raw `execute`, whichever driver ran it. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  return (result as { rows: Record<string, unknown>[] }).rows;
}
