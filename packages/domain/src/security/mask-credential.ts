const MASK = '••••';
/** Below this length even the last four characters would give away too large a share of the value. */
const MIN_LENGTH_TO_SHOW_TAIL = 12;
const VISIBLE_TAIL = 4;

/**
 * Makes a credential safe to print in logs, errors and admin screens: `••••abcd` for long values,
 * `••••` for short ones. The output has a fixed length so it does not reveal the value's length,
 * and it never contains more than the last four characters.
 */
export function maskCredential(value: string): string {
  // Array.from splits by code point so a masked value never ends in half a surrogate pair.
  const characters = typeof value === 'string' ? Array.from(value) : [];
  if (characters.length < MIN_LENGTH_TO_SHOW_TAIL) return MASK;
  return MASK + characters.slice(-VISIBLE_TAIL).join('');
}
