import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/http/error-codes.ts';

const ERRORS_DOC = fileURLToPath(new URL('../../../../docs/errors.md', import.meta.url));

/** The rows of the codes table: `| \`code\` | status | meaning | what to do |`. */
function documentedCodes(markdown: string): Array<{ code: string; status: number }> {
  return [...markdown.matchAll(/^\|\s*`([a-z0-9_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => ({ code: m[1]!, status: Number(m[2]) }));
}

describe('docs/errors.md', () => {
  const rows = documentedCodes(readFileSync(ERRORS_DOC, 'utf8'));
  const documented = new Map(rows.map((r) => [r.code, r.status]));

  it('lists every code in ERROR_CODES with its HTTP status', () => {
    const wrong = Object.entries(ERROR_CODES)
      .filter(([code, { status }]) => documented.get(code) !== status)
      .map(([code, { status }]) => `${code}: ${status} in error-codes.ts, ${documented.get(code) ?? 'missing'} in docs/errors.md`);
    expect(wrong).toEqual([]);
  });

  it('lists no code the server cannot return, and each code once', () => {
    expect(rows.map((r) => r.code).filter((code) => !Object.hasOwn(ERROR_CODES, code))).toEqual([]);
    expect(rows.length).toBe(documented.size);
  });
});
