import { describe, expect, it } from 'vitest';
import { findTextProblem, jsonNestsDeeperThan } from '../src/lib/text-hygiene.ts';

describe('jsonNestsDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings or escaped quotes', () => {
    expect(jsonNestsDeeperThan('[[[]]]', 3)).toBe(false);
    expect(jsonNestsDeeperThan('[[[[]]]]', 3)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":{"b":[{}]}}', 3)).toBe(true);
    expect(jsonNestsDeeperThan(JSON.stringify({ s: '[[[[[[{{{{' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ s: 'a\\"[[[[' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(`${'['.repeat(5_000)}${']'.repeat(5_000)}`, 64)).toBe(true);
  });
});

describe('findTextProblem', () => {
  it('names the path of the first string PostgreSQL cannot store or RFC 8785 cannot hash', () => {
    expect(findTextProblem({ a: 'ok', b: ['x', 'y\u0000'] })).toEqual({ path: 'b.1', message: expect.stringContaining('U+0000') });
    expect(findTextProblem({ a: { b: 'a\ud800b' } })).toEqual({ path: 'a.b', message: expect.stringContaining('Unicode') });
    expect(findTextProblem({ 'k\u0000': 'v' })).toEqual({ path: '', message: expect.stringContaining('keys') });
    expect(findTextProblem('\udc00')).toEqual({ path: '', message: expect.stringContaining('surrogate') });
  });

  it('accepts well-formed text, surrogate pairs, numbers and raw bytes', () => {
    expect(findTextProblem({ emoji: '💸', n: 1, t: true, none: null, list: [{ x: 'é' }] })).toBeNull();
    expect(findTextProblem(Buffer.from([0, 0xd8]))).toBeNull();
    expect(findTextProblem(undefined)).toBeNull();
  });
});
