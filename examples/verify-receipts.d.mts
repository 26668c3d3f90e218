/** Types for verify-receipts.mjs, so TypeScript callers (the tests) can import it. */

export type Receipt = Record<string, unknown> & { seq: number; prev_hash: string; hash: string; signature: string; signing_kid: string };
export type Jwks = { keys: Array<Record<string, unknown>> };
export type ExpectedHead = { seq: number; hash: string };

export type ChainVerdict = {
  valid: boolean;
  length: number;
  verified_length: number;
  head_hash: string | null;
  first_invalid_seq: number | null;
  reason:
    | null
    | 'not_an_object'
    | 'seq_gap'
    | 'seq_out_of_order'
    | 'wrong_agent_account'
    | 'prev_hash_mismatch'
    | 'not_canonicalizable'
    | 'hash_mismatch'
    | 'unknown_signing_kid'
    | 'bad_signature'
    | 'chain_shorter_than_expected'
    | 'head_mismatch'
    | 'server_reports_invalid';
};

export type ServerView = { agent_account_id: string; valid: boolean; length: number; head_hash: string; first_invalid_seq: number | null };

export type FetchLike = (
  url: string,
  init: { headers: Record<string, string> },
) => Promise<{ ok: boolean; status: number; json: () => Promise<unknown> }>;

export type ChainSource = { baseUrl: string; token: string; agentAccountId: string; fetchFn?: FetchLike; pageLimit?: number };

export const GENESIS_HASH: string;
export function receiptHash(receipt: Record<string, unknown>): string;
export function receiptSignatureVerifies(receipt: Record<string, unknown>, jwks: Jwks): boolean;
export function verifyReceiptChain(
  receipts: readonly Record<string, unknown>[],
  jwks: Jwks,
  options?: { agentAccountId?: string; expectedHeads?: readonly ExpectedHead[] },
): ChainVerdict;
export function fetchReceiptChain(source: ChainSource): Promise<{ jwks: Jwks; serverView: ServerView; receipts: Receipt[] }>;
export function verifyAgentChain(source: ChainSource & { expectedHeads?: readonly ExpectedHead[] }): Promise<ChainVerdict & { server: ServerView }>;
