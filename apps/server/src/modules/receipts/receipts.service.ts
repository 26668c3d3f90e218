import type { JWK } from 'jose';
import { type ChainReceipt, GENESIS_HASH, notFound, receiptHash, signReceiptHash, verifyReceiptChain, verifyReceiptSignature } from '@frameos/domain';
import type { Executor } from '@frameos/db';
import type { AppContext, RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { canSeeAgentAccount } from '../auth/principal.ts';
import { allPublishedKeys, publicSigningKeys } from '../signing-keys/signing-keys.service.ts';
import { advanceChain, findChain, findReceipt, insertChain, insertReceipt, listAllChains, listChainReceipts, lockChain, type ReceiptRow } from './receipts.repo.ts';

export type ReceiptEvent = 'payment.settled' | 'payment.pending' | 'payment.failed' | 'payment.refunded';

export interface ReceiptFacts {
  orgId: string;
  agentAccountId: string;
  event: ReceiptEvent;
  payment: {
    id: string;
    mandateId: string;
    intentId: string;
    vendor: string;
    rail: string;
    amount: number;
    currency: string;
    status: string;
    transferId: string | null;
    /** The rail's reference (e.g. the x402 transaction hash), once known. */
    railReference?: string | null;
  };
  /** For `payment.refunded`: which refund and how much it took back. */
  refund?: { id: string; amount: number };
}

export interface BuiltReceipt {
  id: string;
  seq: number;
  body: Record<string, unknown>;
  hash: string;
  signature: string;
}

/**
 * Builds the next receipt of a chain whose head is `link`. The body is exactly what the API returns
 * minus `hash` and `signature`; `hash` is SHA-256 over its RFC 8785 canonical JSON, signed with Ed25519.
 */
export function buildReceipt(app: Pick<AppContext, 'signingKey'>, facts: ReceiptFacts, link: { seq: number; prevHash: string }, now: Date): BuiltReceipt {
  const id = newId('receipt');
  const body = {
    object: 'receipt',
    receipt_id: id,
    org_id: facts.orgId,
    agent_account_id: facts.agentAccountId,
    seq: link.seq,
    prev_hash: link.prevHash,
    event: facts.event,
    payment_id: facts.payment.id,
    mandate_id: facts.payment.mandateId,
    intent_id: facts.payment.intentId,
    vendor: facts.payment.vendor,
    rail: facts.payment.rail,
    amount: facts.payment.amount,
    currency: facts.payment.currency,
    payment_status: facts.payment.status,
    transfer_id: facts.payment.transferId,
    // Present only when known, so receipts of ledger payments keep their original shape.
    ...(facts.payment.railReference ? { rail_reference: facts.payment.railReference } : {}),
    ...(facts.refund ? { refund_id: facts.refund.id, refund_amount: facts.refund.amount } : {}),
    created_at: now.toISOString(),
    signing_kid: app.signingKey.kid,
  };
  const hash = receiptHash(body);
  return { id, seq: link.seq, body, hash, signature: signReceiptHash(hash, app.signingKey) };
}

/** The receipt chain of a new agent account, empty: its first receipt will link to the genesis hash. */
export async function openReceiptChain(tx: Executor, chain: { orgId: string; agentAccountId: string }): Promise<void> {
  await insertChain(tx, { ...chain, headHash: GENESIS_HASH });
}

/** Locks the agent's receipt chain in the caller's transaction (see lockPayerForResolution in payments). */
export async function lockReceiptChain(db: Executor, agentAccountId: string): Promise<void> {
  if (!(await lockChain(db, agentAccountId))) throw new Error(`agent account ${agentAccountId} has no receipt chain`);
}

/** Appends a receipt to the agent's chain inside the caller's transaction. */
export async function appendReceipt(db: Executor, app: Pick<AppContext, 'signingKey'>, facts: ReceiptFacts, now: Date): Promise<ReceiptRow> {
  const link = await advanceChain(db, facts.agentAccountId);
  if (!link) throw new Error(`agent account ${facts.agentAccountId} has no receipt chain`);
  const built = buildReceipt(app, facts, link, now);
  const row = { id: built.id, orgId: facts.orgId, agentAccountId: facts.agentAccountId, seq: built.seq, paymentId: facts.payment.id, body: built.body, hash: built.hash, signature: built.signature, createdAt: now };
  await insertReceipt(db, row);
  return row as ReceiptRow;
}

/** The chain of an agent account the caller may see (every agent account has one): another org's, or another agent's for an agent key, is a 404. */
async function visibleChain(ctx: RequestContext, agentAccountId: string) {
  const chain = canSeeAgentAccount(ctx.principal, agentAccountId) ? await findChain(ctx.db, ctx.principal.orgId, agentAccountId) : null;
  if (!chain) throw notFound('Agent account', agentAccountId);
  return chain;
}

export function receiptDto(row: Pick<ReceiptRow, 'body' | 'hash' | 'signature'>) {
  return { ...row.body, hash: row.hash, signature: row.signature } as Record<string, unknown> & { object: 'receipt'; receipt_id: string; seq: number; prev_hash: string; hash: string; signature: string };
}

export async function getReceipt(ctx: RequestContext, id: string) {
  const row = await findReceipt(ctx.db, ctx.principal.orgId, id);
  if (!row || !canSeeAgentAccount(ctx.principal, row.agentAccountId)) throw notFound('Receipt', id);
  return receiptDto(row);
}

export async function listReceiptsPage(ctx: RequestContext, agentAccountId: string, afterSeq: number, limit: number) {
  await visibleChain(ctx, agentAccountId);
  const rows = await listChainReceipts(ctx.db, ctx.principal.orgId, agentAccountId, afterSeq, limit + 1);
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  const last = page.at(-1);
  return { object: 'list' as const, data: page.map(receiptDto), has_more: hasMore, next_after_seq: hasMore && last ? last.seq : null };
}

const VERIFY_BATCH = 1000;

/** The first receipt whose signature does not verify against the published key it names. */
function firstBadSignature(rows: ReceiptRow[], keys: JWK[]): number | null {
  for (const row of rows) {
    const jwk = keys.find((k) => k.kid === row.body.signing_kid);
    if (!jwk || !verifyReceiptSignature(row.hash, row.signature, jwk)) return row.seq;
  }
  return null;
}

/** Walks a whole chain in seq order, in batches, recomputing every hash, link and signature. */
export async function verifyChain(db: Executor, keys: JWK[], orgId: string, agentAccountId: string, upToSeq?: number) {
  let next = { seq: 1, prevHash: GENESIS_HASH };
  let length = 0;
  for (;;) {
    const rows = await listChainReceipts(db, orgId, agentAccountId, next.seq - 1, VERIFY_BATCH, upToSeq);
    if (rows.length === 0) break;
    const result = verifyReceiptChain(rows.map((r) => receiptDto(r) as ChainReceipt), next);
    const badSignature = firstBadSignature(rows, keys);
    const firstInvalid = [result.first_invalid_seq, badSignature].filter((s): s is number => s !== null).sort((a, b) => a - b)[0] ?? null;
    if (firstInvalid !== null) return { valid: false, length: length + result.length, head_hash: result.head_hash, first_invalid_seq: firstInvalid };
    length += result.length;
    const last = rows.at(-1)!;
    next = { seq: last.seq + 1, prevHash: last.hash };
    if (rows.length < VERIFY_BATCH) break;
  }
  return { valid: true, length, head_hash: next.prevHash, first_invalid_seq: null };
}

type ChainHead = { orgId: string; agentAccountId: string; lastSeq: number; headHash: string };

/**
 * Verifies the receipts up to the chain head read beforehand, and that the head agrees with the last
 * one (or receipts were cut off the end). Receipts appended after the head was read are left for the
 * next run, so verifying a chain that is growing never reports a false break.
 */
async function verifyAgainstHead(db: Executor, keys: JWK[], chain: ChainHead) {
  const result = await verifyChain(db, keys, chain.orgId, chain.agentAccountId, chain.lastSeq);
  const headAgrees = result.length === chain.lastSeq && result.head_hash === chain.headHash;
  return { ...result, valid: result.valid && headAgrees, first_invalid_seq: result.first_invalid_seq ?? (headAgrees ? null : result.length + 1) };
}

export async function verifyReceiptsOf(ctx: RequestContext, agentAccountId: string) {
  const chain = await visibleChain(ctx, agentAccountId);
  return { agent_account_id: agentAccountId, ...(await verifyAgainstHead(ctx.db, await publicSigningKeys(ctx.app), chain)) };
}

export async function verifyAllChains(db: Executor) {
  const keys = await allPublishedKeys(db);
  const results = [];
  for (const chain of await listAllChains(db)) {
    results.push({ agent_account_id: chain.agentAccountId, org_id: chain.orgId, ...(await verifyAgainstHead(db, keys, chain)) });
  }
  return results;
}
