/**
 * Checks on decoded request input that a schema cannot express once per field: PostgreSQL cannot
 * store U+0000 in text or jsonb, and a string that is not well-formed UTF-16 (a lone surrogate)
 * cannot be canonicalized (RFC 8785) for the idempotency hash, so either would fail deep inside a
 * request as a 500. Finding them at the edge turns them into the client's 400.
 */

/** How deep request JSON may nest. No FrameOS request needs more than a handful of levels. */
export const MAX_JSON_DEPTH = 64;

export interface TextProblem {
  /** Dotted path below the request part, e.g. `metadata.k` (empty for the part itself). */
  path: string;
  message: string;
}

/** `String.prototype.isWellFormed` (Node ≥ 20) is in TypeScript's ES2024 library, which would also admit APIs Node 20 lacks. */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

function problemOf(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (!isWellFormed(text)) return 'must be well-formed Unicode (it contains a lone surrogate)';
  return null;
}

/** The first string (or object key) in a decoded JSON value that the server could not store or hash. */
export function findTextProblem(value: unknown, path: string[] = []): TextProblem | null {
  if (typeof value === 'string') {
    const message = problemOf(value);
    return message ? { path: path.join('.'), message } : null;
  }
  if (typeof value !== 'object' || value === null || path.length > MAX_JSON_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findTextProblem(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  // Raw bodies (rail webhooks keep the bytes they verify) are not text.
  if (ArrayBuffer.isView(value)) return null;
  for (const [key, item] of Object.entries(value)) {
    const keyMessage = problemOf(key);
    if (keyMessage) return { path: path.join('.'), message: `keys ${keyMessage}` };
    const found = findTextProblem(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

/**
 * Whether JSON text nests arrays and objects deeper than `max`, found in one pass over the text
 * (brackets inside strings do not count) before anything recursive touches it.
 */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}
