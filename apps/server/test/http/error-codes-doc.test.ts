import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, INTERNAL_ERROR_CODES } from '@frameos/domain';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ERRORS_DOC = join(ROOT, 'docs/errors.md');

/** The rows of a codes table: `| \`code\` | status | meaning | what to do |`. */
function documentedCodes(markdown: string): Array<{ code: string; status: number }> {
  return [...markdown.matchAll(/^\|\s*`([a-z0-9_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => ({ code: m[1]!, status: Number(m[2]) }));
}

/** Every code a `new DomainError('…')` in the server's or the domain's source throws. */
function codesThrownInSource(): Map<string, string> {
  const thrown = new Map<string, string>();
  for (const dir of ['apps/server/src', 'packages/domain/src']) {
    for (const file of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
      for (const match of readFileSync(join(ROOT, dir, file), 'utf8').matchAll(/new DomainError\(\s*'([a-z0-9_]+)'/g)) thrown.set(match[1]!, `${dir}/${file}`);
    }
  }
  return thrown;
}

describe('docs/errors.md', () => {
  const markdown = readFileSync(ERRORS_DOC, 'utf8');
  const [publicPart, rest = ''] = markdown.split(/^## Internal codes/m);
  const internalPart = rest.split(/^## /m)[0]!;
  const rows = documentedCodes(publicPart!);
  const documented = new Map(rows.map((r) => [r.code, r.status]));

  it('lists every code of the error table with its HTTP status', () => {
    const wrong = Object.entries(ERROR_CODES)
      .filter(([code, { status }]) => documented.get(code) !== status)
      .map(([code, { status }]) => `${code}: ${status} in the error table, ${documented.get(code) ?? 'missing'} in docs/errors.md`);
    expect(wrong).toEqual([]);
  });

  it('lists no code the server cannot return, and each code once', () => {
    expect(rows.map((r) => r.code).filter((code) => !Object.hasOwn(ERROR_CODES, code))).toEqual([]);
    expect(rows.length).toBe(documented.size);
  });

  it('lists the internal codes apart, each answered as 500 internal_error', () => {
    expect(documentedCodes(internalPart).sort((a, b) => a.code.localeCompare(b.code))).toEqual([...INTERNAL_ERROR_CODES].sort().map((code) => ({ code, status: 500 })));
  });
});

describe('thrown codes', () => {
  it('are all in the error table or the internal list', () => {
    const known = new Set<string>([...Object.keys(ERROR_CODES), ...INTERNAL_ERROR_CODES]);
    const unknown = [...codesThrownInSource()].filter(([code]) => !known.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(unknown).toEqual([]);
  });
});
