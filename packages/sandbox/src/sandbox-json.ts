/**
 * JSON coming out of the sandbox is parsed with a reviver that drops `__proto__`, `constructor`
 * and `prototype` keys, so a naive merge of it into a host object cannot reach a prototype.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function dropForbiddenKeys(key: string, value: unknown): unknown {
  return FORBIDDEN_KEYS.has(key) ? undefined : value;
}

export function parseSandboxJson(text: string): unknown {
  return JSON.parse(text, dropForbiddenKeys);
}

/** A plain JSON object: not null, not an array (after `parseSandboxJson` it has Object.prototype). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
