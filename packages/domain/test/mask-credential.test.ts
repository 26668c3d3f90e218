import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskCredential } from '../src/index.ts';

describe('maskCredential', () => {
  it('shows only the last four characters of a long credential', () => {
    expect(maskCredential('cfsk_ma_test_0123456789abcd')).toBe('••••abcd');
  });

  it.each(['', 'a', 'abcd', 'abcde', 'abcdefghijk'])('fully masks the short value "%s"', (value) => {
    expect(maskCredential(value)).toBe('••••');
  });

  it('shows the tail from twelve characters on', () => {
    expect(maskCredential('abcdefghijkl')).toBe('••••ijkl');
  });

  it('does not cut a surrogate pair in half', () => {
    expect(maskCredential('0123456789ab🔑🔑🔑🔑')).toBe('••••🔑🔑🔑🔑');
  });

  it('masks a value that is not a string instead of printing it', () => {
    expect(maskCredential(12345678901234 as unknown as string)).toBe('••••');
  });

  it('never contains the full input when the input is longer than four characters', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 5, maxLength: 200, unit: 'grapheme' }), (value) => {
        expect(maskCredential(value)).not.toContain(value);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ minLength: 5, maxLength: 200 }), (value) => {
        expect(maskCredential(value)).not.toContain(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('never shows more than four characters of the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (value) => {
        const masked = maskCredential(value);
        expect(masked.startsWith('••••')).toBe(true);
        const shown = Array.from(masked.slice('••••'.length));
        expect(shown.length).toBeLessThanOrEqual(4);
        expect(value.endsWith(shown.join(''))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
