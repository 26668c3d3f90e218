/**
 * HTTP helpers every external rail shares: reading one header of an inbound webhook, keeping
 * credentials out of messages, and reading a body that may not be JSON. One behaviour each, so the
 * rails cannot drift apart on what they accept or what they leak.
 */
import type { z } from 'zod';
import { maskCredential } from '@frameos/domain';
import { WebhookSignatureError, type RailWebhookInput } from './rail-adapter.ts';

/**
 * The one value of header `name` (matched case-insensitively). Exactly one non-empty value is accepted:
 * a missing or empty header, a header sent twice (an array of values, or the name under two spellings)
 * is refused with a WebhookSignatureError naming the provider and the header.
 */
export function singleHeader(headers: RailWebhookInput['headers'], name: string, provider: string): string {
  const wanted = name.toLowerCase();
  const values = Object.keys(headers)
    .filter((key) => key.toLowerCase() === wanted)
    .flatMap((key) => {
      const value = headers[key];
      return value === undefined ? [] : Array.isArray(value) ? value : [value];
    });
  const [only] = values;
  if (values.length !== 1 || typeof only !== 'string' || only.length === 0) {
    throw new WebhookSignatureError(`${provider} webhook rejected: it needs exactly one non-empty ${wanted} header`);
  }
  return only;
}

/**
 * A function that removes credentials from a message: every occurrence of one of `credentials`, and
 * every match of one of `patterns` (credentials of the same kind that are not ours, e.g. echoed by a
 * proxy), becomes its masked form (`••••abcd`, at most the last 4 characters).
 */
export function credentialRedactor(credentials: readonly string[], patterns: readonly RegExp[] = []): (text: string) => string {
  const known = credentials.filter((c) => c.length > 0).sort((a, b) => b.length - a.length);
  const global = patterns.map((p) => new RegExp(p.source, p.flags.includes('g') ? p.flags : `${p.flags}g`));
  return (text) => {
    const masked = known.reduce((out, credential) => out.split(credential).join(maskCredential(credential)), text);
    return global.reduce((out, pattern) => out.replace(pattern, (match) => maskCredential(match)), masked);
  };
}

/** The parsed JSON of a body, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Where and why a payload does not match its schema, e.g. `data.payment.cf_payment_id: Invalid input:
 * expected string, received undefined`. Zod's messages name types, never the values received.
 */
export function schemaProblem(error: z.ZodError, root: string): string {
  const issue = error.issues[0];
  const path = [root, ...(issue?.path ?? []).map(String)].join('.');
  return `${path}: ${issue?.message ?? 'invalid'}`;
}

/** The first line of an error's message, for messages that must stay short (provider SDK errors run long). */
export function firstLine(error: unknown, fallback: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() || fallback;
}
