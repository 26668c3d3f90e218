import { GENESIS_HASH, receiptHash } from './receipt-hash.ts';

export type ChainReceipt = Record<string, unknown> & { seq: number; prev_hash: string; hash: string };

export type ChainVerification = {
  valid: boolean;
  length: number;
  head_hash: string;
  first_invalid_seq: number | null;
};

/** Where the slice being verified starts: its first receipt's seq and the prev_hash it must carry. */
export type ChainStart = { seq: number; prevHash: string };

function hashMatches(receipt: ChainReceipt): boolean {
  try {
    return receiptHash(receipt) === receipt.hash;
  } catch {
    return false;
  }
}

/** The seq at which `receipt` breaks the chain, or null if it extends it. */
function breakAt(receipt: ChainReceipt, expectedSeq: number, expectedPrevHash: string): number | null {
  // A gap is reported at the missing seq; a duplicate (a fork) at the repeated one.
  if (receipt.seq !== expectedSeq) return Number.isFinite(receipt.seq) ? Math.min(receipt.seq, expectedSeq) : expectedSeq;
  if (receipt.prev_hash !== expectedPrevHash || !hashMatches(receipt)) return receipt.seq;
  return null;
}

/**
 * Checks that the receipts, taken in seq order, form an unbroken hash chain: consecutive seqs,
 * each prev_hash equal to the previous receipt's hash, and each hash equal to the recomputed one.
 * By default the chain starts at seq 1 after GENESIS_HASH; `start` verifies a later slice.
 */
export function verifyReceiptChain(receipts: readonly ChainReceipt[], start?: ChainStart): ChainVerification {
  const sorted = [...receipts].sort((a, b) => a.seq - b.seq);
  let expectedSeq = start?.seq ?? 1;
  let expectedPrevHash = start?.prevHash ?? GENESIS_HASH;
  let firstInvalidSeq: number | null = null;
  for (const receipt of sorted) {
    firstInvalidSeq = breakAt(receipt, expectedSeq, expectedPrevHash);
    if (firstInvalidSeq !== null) break;
    expectedSeq += 1;
    expectedPrevHash = receipt.hash;
  }
  return {
    valid: firstInvalidSeq === null,
    length: sorted.length,
    head_hash: sorted.at(-1)?.hash ?? start?.prevHash ?? GENESIS_HASH,
    first_invalid_seq: firstInvalidSeq,
  };
}
