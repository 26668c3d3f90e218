import { describe, expect, it } from 'vitest';
import { DOMAIN_ERROR_CODES, DomainError } from '../src/index.ts';

describe('DomainError', () => {
  it('carries a stable code, a message and details', () => {
    const error = new DomainError('invalid_amount', 'amount must be positive', { amount: -1 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DomainError');
    expect(error.code).toBe('invalid_amount');
    expect(error.message).toBe('amount must be positive');
    expect(error.details).toEqual({ amount: -1 });
  });

  it('defaults details to an empty object', () => {
    expect(new DomainError('mandate_invalid', 'bad').details).toEqual({});
  });

  it('lists each code it can throw exactly once', () => {
    expect(new Set(DOMAIN_ERROR_CODES).size).toBe(DOMAIN_ERROR_CODES.length);
    expect(DOMAIN_ERROR_CODES).toContain('unbalanced_transfer');
  });
});
