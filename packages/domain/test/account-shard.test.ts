import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { accountShard, DomainError, PAYABLE_SHARDS } from '../src/index.ts';

describe('accountShard', () => {
  it('always sends one payer to the same shard, within range', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 64 }), (payer, shards) => {
        const shard = accountShard(payer, shards);
        expect(shard).toBe(accountShard(payer, shards));
        expect(shard).toBeGreaterThanOrEqual(0);
        expect(shard).toBeLessThan(shards);
      }),
    );
  });

  it('spreads 1,600 agent ids over every one of the 16 shards, none with more than twice its share', () => {
    const counts = new Array<number>(PAYABLE_SHARDS).fill(0);
    for (let i = 0; i < 1600; i++) counts[accountShard(`aga_01K${String(i).padStart(23, '0')}`)]! += 1;
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(Math.max(...counts)).toBeLessThanOrEqual(200);
  });

  it('puts everything on shard 0 when there is one shard', () => {
    expect(accountShard('aga_anything', 1)).toBe(0);
  });

  it('refuses a shard count that is not a positive integer', () => {
    expect(() => accountShard('x', 0)).toThrowError(DomainError);
    expect(() => accountShard('x', 1.5)).toThrowError(/positive integer/);
  });
});
