import { DomainError } from '../errors.ts';

/** Shards of a vendor's payable account: enough that 100 agents paying one vendor rarely meet on a row. */
export const PAYABLE_SHARDS = 16;

/**
 * The shard of a hot account that a payer's postings go to: stable for a payer (FNV-1a of its id),
 * spread evenly across payers. The account's balance is the sum of its shards.
 */
export function accountShard(payerId: string, shards: number = PAYABLE_SHARDS): number {
  if (!Number.isInteger(shards) || shards < 1) throw new DomainError('invalid_shard_count', 'The shard count must be a positive integer.');
  let hash = 0x811c9dc5;
  for (let i = 0; i < payerId.length; i++) {
    hash ^= payerId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}
