import type { z } from 'zod';
import { CapabilityError, type RunFacts } from '../run-host.ts';

/**
 * Shared by the capability handlers. The sandbox forwards only the host APIs of a run's declared
 * capabilities; each handler checks again here, so a handler wired up by mistake still refuses.
 */
export function requireCapability(facts: RunFacts, api: string, ...anyOf: string[]): void {
  if (!anyOf.some((c) => facts.capabilities.includes(c))) {
    throw new CapabilityError('capability_not_declared', `${api} needs the ${anyOf.join(' or ')} capability in the agent's manifest.`);
  }
}

/** Parses a call's arguments; the refusal names the first problem and where it is (never the value). */
export function parseArgs<T>(schema: z.ZodType<T>, args: unknown[], api: string): T {
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` (argument ${issue.path.map(String).join('.')})` : '';
  throw new CapabilityError('invalid_arguments', `${api}: ${issue?.message ?? 'invalid arguments'}${where}.`);
}

/** The UTF-8 size of a value as JSON; null when it is not JSON (undefined, a function, a cycle). */
export function jsonSize(value: unknown): number | null {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? null : Buffer.byteLength(text);
  } catch {
    return null;
  }
}

export const KiB = 1024;
export const MiB = 1024 * 1024;

/**
 * A deployment's storage key (files and KV): 1–256 characters of letters, digits and `._/-`, without
 * `..` anywhere. Prefixes for `list` follow the same alphabet and may be empty.
 */
export const KEY_PATTERN = /^[A-Za-z0-9._/-]{1,256}$/;
export const PREFIX_PATTERN = /^[A-Za-z0-9._/-]{0,256}$/;
export const KEY_RULE = 'a key is 1–256 characters of letters, digits and . _ / - without ..';
export const isValidKey = (key: string): boolean => KEY_PATTERN.test(key) && !key.includes('..');

/** Fixed-window counters per key, in memory: the rate limits of email and emit (per process, see docs/agents.md). */
export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly windowMs: number, private readonly limit: number) {}

  /** Counts one use of `key` at `now`; false (and not counted) when the window's limit is reached. */
  take(key: string, now: number): boolean {
    if (this.windows.size > 10_000) this.prune(now);
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    if (w.count >= this.limit) return false;
    w.count++;
    return true;
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}
