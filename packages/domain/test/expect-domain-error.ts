import { expect } from 'vitest';
import { DomainError } from '../src/index.ts';

/** Asserts that `run` throws a DomainError with `code`, and returns it for further checks. */
export function expectDomainError(run: () => unknown, code: string): DomainError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected DomainError ${code}`).toBeInstanceOf(DomainError);
  expect((thrown as DomainError).code).toBe(code);
  return thrown as DomainError;
}

export async function expectDomainErrorAsync(run: () => Promise<unknown>, code: string): Promise<DomainError> {
  let thrown: unknown;
  try {
    await run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected DomainError ${code}`).toBeInstanceOf(DomainError);
  expect((thrown as DomainError).code).toBe(code);
  return thrown as DomainError;
}
