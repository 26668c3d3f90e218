/**
 * Exact conversions between the ledger's USD cents and a token's atomic units, in bigint arithmetic only:
 * a floating-point step here could pay a vendor more than the mandate allows.
 */

/** USD minor units are cents: two decimal places. */
export const USD_MINOR_DECIMALS = 2;

/** Exact USD cents → token atomic units: cents × 10^(decimals − 2). Below two decimals it rounds down, never over the mandate. */
export function centsToAtomic(cents: bigint, decimals: number): bigint {
  if (decimals >= USD_MINOR_DECIMALS) return cents * 10n ** BigInt(decimals - USD_MINOR_DECIMALS);
  return cents / 10n ** BigInt(USD_MINOR_DECIMALS - decimals);
}

/** Token atomic units → USD cents as an exact decimal string ("12", or "1.0001" for a sub-cent price). */
export function atomicToMinorString(atomic: bigint, decimals: number): string {
  if (decimals <= USD_MINOR_DECIMALS) return (atomic * 10n ** BigInt(USD_MINOR_DECIMALS - decimals)).toString();
  const places = decimals - USD_MINOR_DECIMALS;
  const scale = 10n ** BigInt(places);
  const fraction = (atomic % scale).toString().padStart(places, '0').replace(/0+$/, '');
  return fraction ? `${atomic / scale}.${fraction}` : (atomic / scale).toString();
}
