import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@frameos/db';
import { assertTransferKind, type TransferKind } from '@frameos/domain';
import { moveIntentSql } from '../intents/intents.sql.ts';
import { exactInteger, minorUnits, rowsOf } from '../../lib/sql-values.ts';
import { executeNamed } from '../../lib/named-statement.ts';
import { completeIdempotencySql, type StoredResponse } from '../idempotency/idempotency.sql.ts';
import { enqueueEventCtes, type OutboundEvent } from '../webhooks/events.sql.ts';

/**
 * The execute hot path in few round trips (see docs/benchmarks.md): one statement locks every row a
 * payment changes, one writes the whole outcome. This file reads and writes tables of other modules
 * on purpose — it is the measured exception described in docs/architecture.md.
 */

export interface ExecutionState {
  mandate: {
    id: string;
    orgId: string;
    intentId: string;
    agentAccountId: string;
    policyId: string;
    policyVersion: number;
    vendor: string;
    amount: number;
    currency: string;
    status: 'active' | 'pending_approval' | 'rejected' | 'used';
    jws: string;
    nonce: string;
    issuedAt: Date;
    expiresAt: Date;
  };
  policyCurrentVersion: number;
  /** The rules of the policy's current version, read with the policy row's lock held. */
  policyRules: Record<string, unknown>;
  wallet: { id: string; balance: number };
  chain: { lastSeq: number; headHash: string };
  vendor: { vendorId: string; rail: string; settings: Record<string, unknown> };
}

/**
 * Locks, in one statement and always in the same order, the mandate, its policy (which serialises
 * every spend against the policy), the agent's wallet in the mandate's currency and the receipt
 * chain. Null when any of them is missing; the caller then explains why on the slow path. The locks
 * are NO KEY UPDATE (what an UPDATE of these rows takes; it still excludes every other executor):
 * FOR UPDATE would also wait on the KEY SHARE locks that inserting a row referencing them takes, so
 * two marketplace runs queued at once, each of which inserts its mandate (referencing the policy)
 * before it gets here in the same transaction, would deadlock on the policy row. (Null
 * also when a concurrent policy update moved the current version while we waited for its lock:
 * the join to the old version no longer matches, and the caller retries.)
 */
export async function lockExecutionState(db: Executor, orgId: string, mandateId: string, agentScope: string | null): Promise<ExecutionState | null> {
  const result = await executeNamed(db, 'frameos_lock_execution_state', sql`
    select m.id, m.org_id, m.intent_id, m.agent_account_id, m.policy_id, m.policy_version, m.vendor, m.amount, m.currency,
           m.status, m.jws, m.nonce,
           (extract(epoch from m.issued_at) * 1000)::bigint as issued_at_ms, (extract(epoch from m.expires_at) * 1000)::bigint as expires_at_ms,
           p.current_version, pv.rules as policy_rules, w.id as wallet_id, w.balance as wallet_balance, c.last_seq, c.head_hash, v.vendor_id, v.rail, v.settings as vendor_settings
    from mandates m
    join policies p on p.id = m.policy_id
    join policy_versions pv on pv.policy_id = p.id and pv.version = p.current_version
    join ledger_accounts w on w.org_id = m.org_id and w.type = 'agent_wallet' and w.owner_ref = m.agent_account_id and w.currency = m.currency
    join receipt_chains c on c.agent_account_id = m.agent_account_id
    join vendors v on v.org_id = m.org_id and v.vendor_id = m.vendor
    where m.id = ${mandateId} and m.org_id = ${orgId} and (${agentScope}::text is null or m.agent_account_id = ${agentScope}::text)
    for no key update of m, p, w, c`);
  const [r] = rowsOf(result);
  if (!r) return null;
  return {
    mandate: {
      id: String(r.id),
      orgId: String(r.org_id),
      intentId: String(r.intent_id),
      agentAccountId: String(r.agent_account_id),
      policyId: String(r.policy_id),
      policyVersion: Number(r.policy_version),
      vendor: String(r.vendor),
      amount: minorUnits(r.amount),
      currency: String(r.currency),
      status: r.status as ExecutionState['mandate']['status'],
      jws: String(r.jws),
      nonce: String(r.nonce),
      issuedAt: new Date(exactInteger(r.issued_at_ms)),
      expiresAt: new Date(exactInteger(r.expires_at_ms)),
    },
    policyCurrentVersion: Number(r.current_version),
    policyRules: jsonObject(r.policy_rules),
    wallet: { id: String(r.wallet_id), balance: minorUnits(r.wallet_balance) },
    chain: { lastSeq: Number(r.last_seq), headHash: String(r.head_hash) },
    vendor: { vendorId: String(r.vendor_id), rail: String(r.rail), settings: jsonObject(r.vendor_settings) },
  };
}

export interface SettlementRecord {
  orgId: string;
  now: Date;
  amount: number;
  currency: string;
  walletId: string;
  /** Which shard of the vendor's payable account this payer credits (see accountShard). */
  payableShard: number;
  newPayableAccountId: string;
  transferId: string;
  payment: { id: string; mandateId: string; intentId: string; agentAccountId: string; policyId: string; vendor: string; rail: string };
  receipt: { id: string; seq: number; body: Record<string, unknown>; hash: string; signature: string };
  /** The request's idempotency record, completed in the same statement as the effect. */
  response: StoredResponse | null;
  /** The outbound `payment.settled` event, enqueued in the same statement. */
  event: OutboundEvent;
}

/**
 * Writes a settled payment in one statement: wallet debit, vendor payable credit (created on first
 * use), the transfer and its two postings, the payment, the mandate's move to `used`, the intent's to
 * `succeeded`, the receipt and the new chain head. The vendor payable account, which many agents
 * share, is split into shards (one per payer group) and its row is locked only from here to commit.
 */
export async function recordSettlement(db: Executor, s: SettlementRecord): Promise<void> {
  const p = s.payment;
  const result = await executeNamed(db, 'frameos_record_settlement', sql`
    with ${walletTransferCtes({ orgId: s.orgId, now: s.now, amount: s.amount, currency: s.currency, walletId: s.walletId, transferId: s.transferId, kind: 'payment', reference: p.id,
      target: { newId: s.newPayableAccountId, type: 'vendor_payable', ownerRef: p.vendor, shard: s.payableShard } })},
    payment as (
      insert into payments (id, org_id, mandate_id, intent_id, agent_account_id, policy_id, vendor, rail, amount, currency, status, transfer_id, created_at, settled_at)
      select ${p.id}, ${s.orgId}, ${p.mandateId}, ${p.intentId}, ${p.agentAccountId}, ${p.policyId}, ${p.vendor}, ${p.rail}, ${s.amount}::bigint, ${s.currency}, 'settled', transfer.id, ${s.now}, ${s.now}
      from transfer
      returning id
    ), mandate as (
      update mandates set status = 'used', used_at = ${s.now} where id = ${p.mandateId} and status = 'active' returning id
    ), intent as (
      ${moveIntentSql(p.intentId, 'succeed')}
    ), ${receiptCtes(s.orgId, p.agentAccountId, s.receipt, s.now)}, idempotency as (
      ${completeIdempotencySql(s.response)}
    ), ${enqueueEventCtes('settled', s.event)}
    select (select count(*) from posting) as postings, (select count(*) from chain) as chain_moved, (select count(*) from receipt) as receipts,
           (select count(*) from idempotency) as responses, (select count(*) from settled_event) as events,
           (select count(*) from mandate) as mandates, (select count(*) from intent) as intents`);
  const [r] = rowsOf(result);
  // Anything else means a row moved under our locks: abort rather than commit half a payment.
  if (Number(r?.postings) !== 2 || Number(r?.chain_moved) !== 1 || Number(r?.receipts) !== 1 || Number(r?.responses) !== (s.response ? 1 : 0) || Number(r?.events) !== 1
    || Number(r?.mandates) !== 1 || Number(r?.intents) !== 1) {
    throw new Error(`settlement wrote an unexpected shape: ${JSON.stringify(r)}`);
  }
}

function jsonObject(value: unknown): Record<string, unknown> {
  return (typeof value === 'string' ? JSON.parse(value) : value ?? {}) as Record<string, unknown>;
}

export interface RailHoldRecord {
  orgId: string;
  now: Date;
  amount: number;
  currency: string;
  walletId: string;
  clearingShard: number;
  newClearingAccountId: string;
  transferId: string;
  payment: { id: string; mandateId: string; intentId: string; agentAccountId: string; policyId: string; vendor: string; rail: string };
  receipt: { id: string; seq: number; body: Record<string, unknown>; hash: string; signature: string };
}

/**
 * Records a payment about to go out over an external rail, in one statement: the wallet's funds move
 * to the rail's clearing account (so the agent cannot spend them twice while the rail decides), the
 * payment is `pending`, the mandate is `used`, and a `payment.pending` receipt extends the chain. The
 * rail is called only after this commits; its answer is recorded in a second transaction.
 */
export async function recordRailHold(db: Executor, h: RailHoldRecord): Promise<void> {
  const p = h.payment;
  const result = await executeNamed(db, 'frameos_record_rail_hold', sql`
    with ${walletTransferCtes({ orgId: h.orgId, now: h.now, amount: h.amount, currency: h.currency, walletId: h.walletId, transferId: h.transferId, kind: 'payment_hold', reference: p.id,
      target: { newId: h.newClearingAccountId, type: 'rail_clearing', ownerRef: p.rail, shard: h.clearingShard } })},
    payment as (
      insert into payments (id, org_id, mandate_id, intent_id, agent_account_id, policy_id, vendor, rail, amount, currency, status, transfer_id, created_at, updated_at)
      select ${p.id}, ${h.orgId}, ${p.mandateId}, ${p.intentId}, ${p.agentAccountId}, ${p.policyId}, ${p.vendor}, ${p.rail}, ${h.amount}::bigint, ${h.currency}, 'pending', transfer.id, ${h.now}, ${h.now}
      from transfer
      returning id
    ), mandate as (
      update mandates set status = 'used', used_at = ${h.now} where id = ${p.mandateId} and status = 'active' returning id
    ), ${receiptCtes(h.orgId, p.agentAccountId, h.receipt, h.now)}
    select (select count(*) from posting) as postings, (select count(*) from chain) as chain_moved, (select count(*) from receipt) as receipts,
           (select count(*) from mandate) as mandates`);
  const [r] = rowsOf(result);
  if (Number(r?.postings) !== 2 || Number(r?.chain_moved) !== 1 || Number(r?.receipts) !== 1 || Number(r?.mandates) !== 1) {
    throw new Error(`rail hold wrote an unexpected shape: ${JSON.stringify(r)}`);
  }
}

interface WalletTransfer {
  orgId: string;
  now: Date;
  amount: number;
  currency: string;
  walletId: string;
  transferId: string;
  kind: TransferKind;
  reference: string;
  /** The account credited, created on first use (its id is used only then). */
  target: { newId: string; type: 'vendor_payable' | 'rail_clearing'; ownerRef: string; shard: number };
}

/**
 * CTEs `wallet`, `target`, `transfer`, `posting`: the wallet (already locked) pays `amount` into the
 * target account — a balanced transfer of two postings — in the statement that embeds them.
 */
function walletTransferCtes(t: WalletTransfer): SQL {
  assertTransferKind(t.kind, 'agent_wallet', t.target.type, null);
  return sql`wallet as (
      update ledger_accounts set balance = balance - ${t.amount}::bigint where id = ${t.walletId} returning id
    ), target as (
      insert into ledger_accounts (id, org_id, type, owner_ref, currency, shard, balance, allow_negative, created_at)
      values (${t.target.newId}, ${t.orgId}, ${t.target.type}, ${t.target.ownerRef}, ${t.currency}, ${t.target.shard}, ${t.amount}::bigint, false, ${t.now})
      on conflict (org_id, type, owner_ref, currency, shard) do update set balance = ledger_accounts.balance + excluded.balance
      returning id
    ), transfer as (
      insert into transfers (id, org_id, kind, reference, created_at) values (${t.transferId}, ${t.orgId}, ${t.kind}, ${t.reference}, ${t.now}) returning id
    ), posting as (
      insert into postings (transfer_id, account_id, amount, currency)
      select transfer.id, wallet.id, -${t.amount}::bigint, ${t.currency} from transfer, wallet
      union all
      select transfer.id, target.id, ${t.amount}::bigint, ${t.currency} from transfer, target
      returning 1
    )`;
}

/** CTEs `receipt`, `chain`: the receipt of the embedding statement's `payment` CTE, and the chain head guarded by the locked seq. */
function receiptCtes(orgId: string, agentAccountId: string, receipt: { id: string; seq: number; body: Record<string, unknown>; hash: string; signature: string }, now: Date): SQL {
  return sql`receipt as (
      insert into receipts (id, org_id, agent_account_id, seq, payment_id, body, hash, signature, created_at)
      select ${receipt.id}, ${orgId}, ${agentAccountId}, ${receipt.seq}, payment.id, ${JSON.stringify(receipt.body)}::jsonb, ${receipt.hash}, ${receipt.signature}, ${now}
      from payment
      returning id
    ), chain as (
      update receipt_chains set last_seq = ${receipt.seq}, head_hash = ${receipt.hash}
      where agent_account_id = ${agentAccountId} and last_seq = ${receipt.seq - 1}
      returning 1
    )`;
}
