import { assertBalancedPostings, assertHoldResolution, assertTransferKind, buildTransferPostings, DomainError, MAX_EXACT_MINOR, type LedgerAccountType, type Money, type TransferKind } from '@frameos/domain';
import type { Executor } from '@frameos/db';
import { newId } from '../../lib/ids.ts';
import { isCheckViolation, pgConstraint } from '../../lib/pg-errors.ts';
import { applyBalanceChanges, findAccount, insertAccountIfMissing, insertTransfer, listAccountsOfOwners, lockHold, marketplaceCredits, type AccountKey } from './ledger.repo.ts';

export type { AccountKey } from './ledger.repo.ts';
export type { LedgerAccountType, TransferKind } from '@frameos/domain';

/** Accounts that may go below zero: the test-mode source of funds mirrors money entering the system. */
const MAY_GO_NEGATIVE = new Set(['test_funding']);

export async function ensureLedgerAccount(db: Executor, key: AccountKey, now: Date) {
  const existing = await findAccount(db, key);
  if (existing) return existing;
  await insertAccountIfMissing(db, newId('ledger_account'), key, MAY_GO_NEGATIVE.has(key.type), now);
  const created = await findAccount(db, key);
  if (!created) throw new Error('ledger account vanished after insert');
  return created;
}

export async function lockLedgerAccount(db: Executor, key: AccountKey) {
  return findAccount(db, key, true);
}

/** An account as a transfer needs it: which one, and its type (the transfer's kind decides which types it may move between). */
export interface TransferAccount {
  id: string;
  type: LedgerAccountType;
}

export interface TransferRequest {
  orgId: string;
  kind: TransferKind;
  reference: string;
  from: TransferAccount;
  to: TransferAccount;
  money: Money;
  now: Date;
  /** For a capture or release: the payment_hold it resolves. */
  holdTransferId?: string | null;
}

/**
 * Posts one balanced transfer: the postings, and the balance of each account, in the caller's
 * transaction. Its kind must allow the two account types (TRANSFER_KINDS); a capture or release
 * names its hold and resolves no more than the hold has left.
 */
export async function postTransfer(db: Executor, request: TransferRequest): Promise<string> {
  const holdTransferId = request.holdTransferId ?? null;
  assertTransferKind(request.kind, request.from.type, request.to.type, holdTransferId);
  const lines = buildTransferPostings(request.from.id, request.to.id, request.money);
  assertBalancedPostings(lines);
  if (holdTransferId) {
    const hold = await lockHold(db, request.orgId, holdTransferId);
    if (!hold) throw new DomainError('invalid_transfer', `the hold ${holdTransferId} a ${request.kind} names does not exist`);
    assertHoldResolution(hold, hold.resolved, request.money.amount);
  }
  const id = newId('transfer');
  await insertTransfer(db, { id, orgId: request.orgId, kind: request.kind, reference: request.reference, holdTransferId, createdAt: request.now }, lines);
  try {
    await applyBalanceChanges(db, lines);
  } catch (err) {
    throw ledgerConstraintError(err);
  }
  return id;
}

/**
 * The database's checks are the last line of defence: an overdraft the service did not catch, or a
 * balance that would leave the range numbers hold exactly. Either becomes the client's clear 4xx;
 * any other error is returned as it is.
 */
export function ledgerConstraintError(err: unknown): unknown {
  if (!isCheckViolation(err)) return err;
  switch (pgConstraint(err)) {
    case 'ledger_accounts_no_overdraft':
      return new DomainError('insufficient_funds', 'The wallet balance is too low for this payment.');
    case 'ledger_accounts_balance_exact':
      return new DomainError('amount_overflow', `The transfer would take a balance past ${MAX_EXACT_MINOR} minor units, the largest balance FrameOS holds exactly.`);
    default:
      return err;
  }
}

export type Balance = { currency: string; balance: number };

/** Balances per currency of several owners' accounts, in one query (summing shards, if any). */
export async function balancesByOwner(db: Executor, orgId: string, type: AccountKey['type'], ownerRefs: string[]): Promise<Map<string, Balance[]>> {
  const byOwner = new Map<string, Balance[]>(ownerRefs.map((ref) => [ref, []]));
  for (const row of await listAccountsOfOwners(db, orgId, type, ownerRefs)) {
    const balances = byOwner.get(row.ownerRef)!;
    const same = balances.find((b) => b.currency === row.currency);
    if (same) same.balance += row.balance;
    else balances.push({ currency: row.currency, balance: row.balance });
  }
  return byOwner;
}

export async function balancesOf(db: Executor, orgId: string, type: AccountKey['type'], ownerRef: string): Promise<Balance[]> {
  return (await balancesByOwner(db, orgId, type, [ownerRef])).get(ownerRef) ?? [];
}

/** The balance of an agent's wallet in a currency, or null when it has none. */
export async function walletBalance(db: Executor, orgId: string, agentAccountId: string, currency: string): Promise<number | null> {
  const account = await findAccount(db, { orgId, type: 'agent_wallet', ownerRef: agentAccountId, currency });
  return account ? account.balance : null;
}

export interface DeveloperEarnings {
  totals: { currency: string; gross: number; platform_fees: number; net: number; executions: number }[];
  by_agent: { agent_id: string; currency: string; gross: number; platform_fees: number; net: number; executions: number }[];
  by_day: { day: string; currency: string; gross: number; platform_fees: number; net: number; executions: number }[];
}

/**
 * A developer's marketplace earnings from the ledger: net is what the captures credited the
 * developer's payable accounts, platform_fees what they credited the platform for the same runs,
 * gross the two together; executions counts the paid runs (one capture to the developer each).
 */
export async function developerEarnings(db: Executor, developerId: string, from: Date, to: Date): Promise<DeveloperEarnings> {
  const rows = await marketplaceCredits(db, developerId, from, to);
  const group = <K extends string>(keyOf: (r: (typeof rows)[number]) => Record<K, string>) => {
    const groups = new Map<string, Record<K, string> & { currency: string; gross: number; platform_fees: number; net: number; executions: number }>();
    for (const r of rows) {
      const key = keyOf(r);
      const id = `${Object.values(key).join('|')}|${r.currency}`;
      const g = groups.get(id) ?? { ...key, currency: r.currency, gross: 0, platform_fees: 0, net: 0, executions: 0 };
      if (r.type === 'developer_payable') {
        g.net += r.amount;
        g.executions += r.transfers;
      } else {
        g.platform_fees += r.amount;
      }
      g.gross = g.net + g.platform_fees;
      groups.set(id, g);
    }
    return [...groups.values()];
  };
  return {
    totals: group(() => ({})),
    by_agent: group((r) => ({ agent_id: r.ownerRef.slice(r.ownerRef.indexOf('/') + 1) })),
    by_day: group((r) => ({ day: r.day })),
  };
}
