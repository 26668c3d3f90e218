import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';
import type { LedgerAccountType as DomainAccountType, Posting, TransferKind as DomainTransferKind } from '@frameos/domain';
import { exactInteger, rowsOf } from '../../lib/sql-values.ts';

const { ledgerAccounts, postings, transfers } = schema;

export type LedgerAccountType = (typeof ledgerAccounts.$inferSelect)['type'];
export type TransferKind = (typeof transfers.$inferSelect)['kind'];

/** Whether two unions have exactly the same members. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The database's enums name exactly the domain's account types and transfer kinds: changing one without the other does not compile. */
export const ENUMS_MATCH_DOMAIN: [Same<LedgerAccountType, DomainAccountType>, Same<TransferKind, DomainTransferKind>] = [true, true];

export interface AccountKey {
  orgId: string;
  type: LedgerAccountType;
  ownerRef: string;
  currency: string;
  /** Only hot accounts (vendor payables) use shards other than 0. */
  shard?: number;
}

export async function insertAccountIfMissing(db: Executor, id: string, key: AccountKey, allowNegative: boolean, now: Date): Promise<void> {
  await db.insert(ledgerAccounts).values({ id, ...key, shard: key.shard ?? 0, allowNegative, balance: 0, createdAt: now }).onConflictDoNothing();
}

export async function findAccount(db: Executor, key: AccountKey, forUpdate = false) {
  const query = db
    .select()
    .from(ledgerAccounts)
    .where(
      and(
        eq(ledgerAccounts.orgId, key.orgId),
        eq(ledgerAccounts.type, key.type),
        eq(ledgerAccounts.ownerRef, key.ownerRef),
        eq(ledgerAccounts.currency, key.currency),
        eq(ledgerAccounts.shard, key.shard ?? 0),
      ),
    );
  const [row] = forUpdate ? await query.for('no key update') : await query;
  return row ?? null;
}

export async function listAccountsOfOwners(db: Executor, orgId: string, type: LedgerAccountType, ownerRefs: string[]) {
  if (ownerRefs.length === 0) return [];
  return db
    .select()
    .from(ledgerAccounts)
    .where(and(eq(ledgerAccounts.orgId, orgId), eq(ledgerAccounts.type, type), inArray(ledgerAccounts.ownerRef, ownerRefs)))
    .orderBy(asc(ledgerAccounts.currency));
}

export async function insertTransfer(db: Executor, row: { id: string; orgId: string; kind: TransferKind; reference: string; holdTransferId: string | null; createdAt: Date }, lines: readonly Posting[]) {
  await db.insert(transfers).values(row);
  await db.insert(postings).values(lines.map((p) => ({ transferId: row.id, accountId: p.accountId, amount: p.amount, currency: p.currency })));
}

/**
 * A hold as the transfers that resolve it see it: its kind and amount (what it credited) and how
 * much captures and releases have resolved of it so far. Locks the hold's row, so two resolutions
 * of one hold queue (the caller holds its payment's lock anyway).
 */
export async function lockHold(db: Executor, orgId: string, holdTransferId: string): Promise<{ kind: TransferKind; amount: number; resolved: number } | null> {
  const [row] = rowsOf(await db.execute(sql`
    select t.kind,
           (select coalesce(sum(p.amount), 0) from postings p where p.transfer_id = t.id and p.amount > 0) as amount,
           (select coalesce(sum(p.amount), 0) from postings p join transfers r on r.id = p.transfer_id where r.hold_transfer_id = t.id and p.amount > 0) as resolved
    from transfers t where t.id = ${holdTransferId} and t.org_id = ${orgId}
    for update of t`));
  return row ? { kind: row.kind as TransferKind, amount: exactInteger(row.amount), resolved: exactInteger(row.resolved) } : null;
}

/** Balances change in account-id order so two transfers touching the same accounts cannot deadlock. */
export async function applyBalanceChanges(db: Executor, lines: readonly Posting[]): Promise<void> {
  const sorted = [...lines].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  for (const line of sorted) {
    await db.update(ledgerAccounts).set({ balance: sql`${ledgerAccounts.balance} + ${line.amount}` }).where(eq(ledgerAccounts.id, line.accountId));
  }
}

export interface EarningRow {
  type: 'developer_payable' | 'platform_revenue';
  /** `<developer_id>/<agent_id>`: marketplace accounts are kept per developer and agent. */
  ownerRef: string;
  currency: string;
  day: string;
  amount: number;
  transfers: number;
}

/**
 * What marketplace captures credited a developer's accounts and the platform's fee accounts for
 * that developer's agents, per account, currency and UTC day, within [from, to).
 */
export async function marketplaceCredits(db: Executor, developerId: string, from: Date, to: Date): Promise<EarningRow[]> {
  const rows = rowsOf(await db.execute(sql`
    select a.type, a.owner_ref, p.currency, to_char(t.created_at at time zone 'UTC', 'YYYY-MM-DD') as day,
           sum(p.amount)::text as amount, count(*)::text as transfers
    from postings p
    join ledger_accounts a on a.id = p.account_id
    join transfers t on t.id = p.transfer_id
    where a.type in ('developer_payable', 'platform_revenue') and a.owner_ref like ${`${developerId}/%`}
      and t.kind = 'payment_capture' and t.created_at >= ${from} and t.created_at < ${to}
    group by a.type, a.owner_ref, p.currency, day
    order by day, a.owner_ref`));
  return rows.map((r) => ({ type: r.type as EarningRow['type'], ownerRef: String(r.owner_ref), currency: String(r.currency), day: String(r.day), amount: exactInteger(r.amount), transfers: Number(r.transfers) }));
}
