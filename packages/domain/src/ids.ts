/** The type prefix of every id (`pay_01J…`), so an id says what it names in logs and support tickets. */
export const ID_PREFIXES = {
  org: 'org',
  user: 'usr',
  agent_account: 'aga',
  api_key: 'key',
  policy: 'pol',
  intent: 'pi',
  mandate: 'mdt',
  payment: 'pay',
  receipt: 'rcp',
  transfer: 'trf',
  vendor: 'ven',
  ledger_account: 'lac',
  request: 'req',
  webhook_endpoint: 'whe',
  event: 'evt',
  refund: 'rfd',
  developer: 'dev',
  deployment: 'dep',
  execution: 'exe',
  scheduled_email: 'sem',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

// A ULID: 26 uppercase Crockford base32 characters, the first at most 7 (48-bit timestamp).
const ULID = '[0-7][0-9A-HJKMNP-TV-Z]{25}';
const ID_PATTERNS = Object.fromEntries(
  Object.entries(ID_PREFIXES).map(([kind, prefix]) => [kind, new RegExp(`^${prefix}_${ULID}$`)]),
) as Record<IdKind, RegExp>;

export function hasIdPrefix(id: string, kind: IdKind): boolean {
  return typeof id === 'string' && Object.hasOwn(ID_PATTERNS, kind) && ID_PATTERNS[kind].test(id);
}
