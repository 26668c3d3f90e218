import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, receiptHash, verifyReceiptChain, type ChainReceipt } from '../src/index.ts';

/** Builds a well-formed chain the way the server appends receipts. */
function buildChain(count: number, firstSeq = 1, firstPrevHash = GENESIS_HASH): ChainReceipt[] {
  const chain: ChainReceipt[] = [];
  let prevHash = firstPrevHash;
  for (let seq = firstSeq; seq < firstSeq + count; seq++) {
    const content = { seq, prev_hash: prevHash, amount: seq * 100, currency: 'INR', payment_id: `pay_${seq}` };
    const hash = receiptHash(content);
    chain.push({ ...content, hash, signature: `sig-${seq}` });
    prevHash = hash;
  }
  return chain;
}

/** Re-links and re-hashes every receipt from `index` on, as a forger with write access would. */
function rehashFrom(chain: ChainReceipt[], index: number): ChainReceipt[] {
  const out = chain.map((receipt) => ({ ...receipt }));
  for (let i = index; i < out.length; i++) {
    const current = out[i] as ChainReceipt;
    if (i > 0) current.prev_hash = (out[i - 1] as ChainReceipt).hash;
    current.hash = receiptHash(current);
  }
  return out;
}

describe('verifyReceiptChain', () => {
  it('accepts an empty chain with length 0 and the genesis head', () => {
    expect(verifyReceiptChain([])).toEqual({ valid: true, length: 0, head_hash: GENESIS_HASH, first_invalid_seq: null });
  });

  it('accepts an intact chain and reports its head', () => {
    const chain = buildChain(5);
    expect(verifyReceiptChain(chain)).toEqual({
      valid: true,
      length: 5,
      head_hash: chain[4]?.hash,
      first_invalid_seq: null,
    });
  });

  it('orders receipts by seq, whatever order they are passed in', () => {
    const chain = buildChain(4);
    expect(verifyReceiptChain([...chain].reverse())).toEqual(verifyReceiptChain(chain));
  });

  it('finds a tampered middle receipt (amount changed) at its seq', () => {
    const chain = buildChain(5);
    chain[2] = { ...(chain[2] as ChainReceipt), amount: 999_999 };
    expect(verifyReceiptChain(chain)).toMatchObject({ valid: false, first_invalid_seq: 3 });
  });

  it('finds a receipt whose stored hash alone was changed at that receipt, not the next', () => {
    const chain = buildChain(5);
    chain[1] = { ...(chain[1] as ChainReceipt), hash: 'f'.repeat(64) };
    expect(verifyReceiptChain(chain)).toMatchObject({ valid: false, first_invalid_seq: 2 });
  });

  it('finds a tampered receipt that was re-hashed to match at the NEXT receipt, whose link breaks', () => {
    const chain = buildChain(5);
    const forged = { ...(chain[1] as ChainReceipt), amount: 1 };
    chain[1] = { ...forged, hash: receiptHash(forged) };
    expect(verifyReceiptChain(chain)).toMatchObject({ valid: false, first_invalid_seq: 3 });
  });

  it('cannot detect a rewrite of the whole tail without an outside anchor, but the head hash changes', () => {
    const chain = buildChain(5);
    chain[1] = { ...(chain[1] as ChainReceipt), amount: 1 };
    const rewritten = rehashFrom(chain, 1);
    const result = verifyReceiptChain(rewritten);
    expect(result.valid).toBe(true);
    expect(result.head_hash).not.toBe(verifyReceiptChain(buildChain(5)).head_hash);
  });

  it('reports a deleted middle receipt at the missing seq', () => {
    const chain = buildChain(5);
    chain.splice(2, 1);
    expect(verifyReceiptChain(chain)).toEqual({
      valid: false,
      length: 4,
      head_hash: chain[3]?.hash,
      first_invalid_seq: 3,
    });
  });

  it('reports a chain that does not start at seq 1 at seq 1', () => {
    expect(verifyReceiptChain(buildChain(5).slice(1))).toMatchObject({ valid: false, first_invalid_seq: 1 });
  });

  it('reports two receipts that swapped places in the chain at the first of them', () => {
    const chain = buildChain(5);
    const second = chain[1] as ChainReceipt;
    const third = chain[2] as ChainReceipt;
    chain[1] = { ...third, seq: 2 };
    chain[2] = { ...second, seq: 3 };
    expect(verifyReceiptChain(chain)).toMatchObject({ valid: false, first_invalid_seq: 2 });
  });

  it('reports a duplicated seq (a fork) at the repeated seq', () => {
    const chain = buildChain(3);
    const fork = { ...(chain[1] as ChainReceipt), amount: 5 };
    chain.push({ ...fork, hash: receiptHash(fork) });
    expect(verifyReceiptChain(chain)).toMatchObject({ valid: false, first_invalid_seq: 2 });
  });

  it('reports a first receipt that does not link to genesis at seq 1', () => {
    const chain = buildChain(3, 1, 'a'.repeat(64));
    expect(verifyReceiptChain(chain)).toMatchObject({ valid: false, first_invalid_seq: 1 });
  });

  it('reports a receipt whose seq is not a number where that seq was expected', () => {
    const chain = buildChain(3);
    chain[2] = { ...(chain[2] as ChainReceipt), seq: Number.NaN };
    expect(verifyReceiptChain(chain)).toMatchObject({ valid: false, first_invalid_seq: 3 });
  });

  it('reports a receipt that cannot be hashed at its seq instead of throwing', () => {
    const chain = buildChain(3);
    chain[1] = { ...(chain[1] as ChainReceipt), amount: Number.POSITIVE_INFINITY };
    expect(verifyReceiptChain(chain)).toMatchObject({ valid: false, first_invalid_seq: 2 });
  });

  it('ignores the signature field, which is checked separately', () => {
    const chain = buildChain(3);
    chain[1] = { ...(chain[1] as ChainReceipt), signature: 'other' };
    expect(verifyReceiptChain(chain).valid).toBe(true);
  });

  describe('continuing from a known point', () => {
    const full = buildChain(6);
    const start = { seq: 4, prevHash: (full[2] as ChainReceipt).hash };

    it('accepts a later slice that starts at the given seq and prev_hash', () => {
      expect(verifyReceiptChain(full.slice(3), start)).toEqual({
        valid: true,
        length: 3,
        head_hash: full[5]?.hash,
        first_invalid_seq: null,
      });
    });

    it('refuses the slice against the wrong prev_hash', () => {
      expect(verifyReceiptChain(full.slice(3), { ...start, prevHash: GENESIS_HASH })).toMatchObject({
        valid: false,
        first_invalid_seq: 4,
      });
    });

    it('refuses a slice that starts at another seq', () => {
      expect(verifyReceiptChain(full.slice(4), start)).toMatchObject({ valid: false, first_invalid_seq: 4 });
    });

    it('reports the starting hash as the head of an empty slice', () => {
      expect(verifyReceiptChain([], start)).toEqual({ valid: true, length: 0, head_hash: start.prevHash, first_invalid_seq: null });
    });
  });
});
