import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOMAIN_ERROR_CODES, DomainError } from '../src/index.ts';

const SRC = join(import.meta.dirname, '..', 'src');

/** Every code passed to `new DomainError(...)` in the package's source. */
function codesThrownInSource(): string[] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  const codes = files.flatMap((file) =>
    [...readFileSync(join(SRC, file), 'utf8').matchAll(/new DomainError\(\s*'([a-z_]+)'/g)].map((match) => match[1] ?? ''),
  );
  return [...new Set(codes)].sort();
}

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
});

describe('DOMAIN_ERROR_CODES', () => {
  it('lists exactly the codes the source throws, each once', () => {
    expect(new Set(DOMAIN_ERROR_CODES).size).toBe(DOMAIN_ERROR_CODES.length);
    expect([...DOMAIN_ERROR_CODES].sort()).toEqual(codesThrownInSource());
  });
});
