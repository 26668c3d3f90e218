import { describe, expect, it } from 'vitest';
import { DomainError, ERROR_CODES, INTERNAL_ERROR_CODES, invalidField, invalidFieldFromIssues, isPublicErrorCode, notFound } from '../src/index.ts';

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

  it('has one helper for each repeated error', () => {
    expect(notFound('Payment', 'pay_1')).toMatchObject({ code: 'not_found', message: 'Payment pay_1 not found' });
    expect(invalidField('body.url', 'must use https')).toMatchObject({ code: 'validation_error', message: 'body.url: must use https', details: { field: 'body.url' } });
  });
});

describe('the error table', () => {
  it('keeps internal codes apart from the codes a client can receive', () => {
    expect(INTERNAL_ERROR_CODES.filter((code) => isPublicErrorCode(code))).toEqual([]);
    expect(new Set(INTERNAL_ERROR_CODES).size).toBe(INTERNAL_ERROR_CODES.length);
  });

  it('gives every public code a 4xx or 5xx status and a sentence', () => {
    for (const [code, { status, message }] of Object.entries(ERROR_CODES)) {
      expect({ code, ok: status >= 400 && status < 600 && /^[A-Z].*\.$/.test(message) }).toEqual({ code, ok: true });
    }
  });
});

describe('invalidFieldFromIssues', () => {
  it('names the first issue\'s field under the prefix', () => {
    const error = invalidFieldFromIssues('body.config', [{ path: ['provider', 0, 'url'], message: 'must be a URL' }, { path: ['x'], message: 'other' }]);
    expect(error).toMatchObject({ code: 'validation_error', message: 'body.config.provider.0.url: must be a URL', details: { field: 'body.config.provider.0.url' } });
  });

  it('falls back to the prefix and a generic reason without issues', () => {
    expect(invalidFieldFromIssues('body', [])).toMatchObject({ message: 'body: is invalid', details: { field: 'body' } });
  });
});
