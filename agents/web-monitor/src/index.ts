import { defineAgent, z } from '@frameos/agent-sdk';
import { sha256Hex } from './sha256.ts';

/**
 * Watches a web page: fetches it, reduces it to its visible text (or keeps the raw HTML), removes
 * what always changes (the `ignore` patterns: timestamps, counters, nonces), hashes it with SHA-256
 * and compares the hash with the one kept from the previous run in the deployment's key-value
 * store (ctx.db, database_write). The diff is line by line: the lines added and removed since.
 */

const MAX_STORED_LINES = 2_000;
const MAX_STORED_CHARS = 200_000;
const MAX_DIFF_LINES = 50;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', mdash: '—', ndash: '–', hellip: '…', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“' };

/** The visible text of a page, one line per block element. */
function visibleText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|noscript|template|svg)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(br|\/?(p|div|li|tr|h[1-6]|section|article|header|footer|nav|main|ul|ol|table|blockquote|pre|dd|dt|title))\b[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => (e[0] === '#' ? String.fromCodePoint(e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITIES[e.toLowerCase()] ?? m)));
}

function normalise(content: string, ignore: RegExp[]): string[] {
  let text = content;
  for (const re of ignore) text = text.replace(re, '');
  return text.split('\n').map((line) => line.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** Lines in `b` not in `a`, counting repeats (a multiset difference, in b's order). */
function minus(b: string[], a: string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of a) counts.set(line, (counts.get(line) ?? 0) + 1);
  const out: string[] = [];
  for (const line of b) {
    const n = counts.get(line) ?? 0;
    if (n > 0) counts.set(line, n - 1);
    else out.push(line);
  }
  return out;
}

interface Snapshot {
  url: string;
  hash: string;
  checked_at: string;
  lines: string[];
}

function isSnapshot(value: unknown): value is Snapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.hash === 'string' && typeof v.checked_at === 'string' && Array.isArray(v.lines);
}

const cut = (line: string) => (line.length > 300 ? `${line.slice(0, 297)}...` : line);

export default defineAgent({
  manifest: {
    id: 'agt_web_monitor',
    name: 'Web Page Monitor',
    version: '1.0.0',
    description: 'Checks a web page for changes: hashes its visible text (ignoring patterns you give, such as timestamps), compares it with the previous check kept in the deployment\'s store, and reports whether it changed with the lines added and removed.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'per_execution', amount: 2, currency: 'USD' },
    capabilities: ['http_request', 'database_write'],
    runtime: { timeout_ms: 40_000, memory_mb: 128 },
    metadata: { category: 'devops', tags: ['monitoring', 'change-detection', 'web', 'uptime', 'diff'] },
  },
  inputs: z.object({
    url: z.url({ protocol: /^https?$/ }).describe('The page to watch (its host must be in the deployment\'s allowed_hosts)'),
    mode: z.enum(['text', 'html']).default('text').describe('text: the visible text (markup changes are ignored); html: the raw page'),
    ignore: z.array(z.string().min(1).max(500)).max(20).default([]).describe('Regular expressions removed before hashing (dates, counters, CSRF tokens)'),
    monitor_id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional().describe('Name of this watch; default: derived from the URL (two watches of one URL need different ids)'),
  }),
  outputs: z.object({
    url: z.string(),
    final_url: z.string(),
    status: z.number().int().describe('HTTP status of this check'),
    changed: z.boolean().describe('The content differs from the previous check (false on the first check)'),
    first_check: z.boolean().describe('No previous check was stored'),
    hash: z.string().describe('SHA-256 (hex) of the normalised content'),
    previous_hash: z.string().optional().describe('The previous check\'s hash; absent on the first check'),
    checked_at: z.string().describe('ISO 8601'),
    previous_checked_at: z.string().optional(),
    diff: z.object({
      added: z.array(z.string()).describe(`lines added (at most ${MAX_DIFF_LINES})`),
      removed: z.array(z.string()).describe(`lines removed (at most ${MAX_DIFF_LINES})`),
      added_count: z.number().int(),
      removed_count: z.number().int(),
      summary: z.string(),
    }),
    line_count: z.number().int().describe('Lines of normalised content'),
  }),
  examples: [{ name: 'A pricing page', inputs: { url: 'https://example.com/pricing', ignore: ['Updated \\d{1,2} \\w+ \\d{4}'] } }],
  handler: async (inputs, ctx) => {
    const ignore = inputs.ignore.map((source) => {
      try {
        return new RegExp(source, 'gi');
      } catch (err) {
        throw new Error(`ignore: ${JSON.stringify(source)} is not a valid regular expression (${err instanceof Error ? err.message : String(err)}).`);
      }
    });
    const res = await ctx.fetch(inputs.url, { headers: { accept: 'text/html,text/plain;q=0.9,*/*;q=0.5', 'cache-control': 'no-cache' } });
    if (res.status >= 500 || res.status === 404 || res.status === 410) throw new Error(`The page answered ${res.status} ${res.statusText}; nothing was compared or stored.`);
    const body = await res.text();
    const lines = normalise(inputs.mode === 'html' ? body : visibleText(body), ignore);
    const hash = sha256Hex(lines.join('\n'));
    const key = `monitor/${inputs.monitor_id ?? sha256Hex(`${inputs.mode}:${inputs.url}`).slice(0, 32)}`;
    const stored = await ctx.db.get(key);
    const previous = isSnapshot(stored) ? stored : null;
    const checkedAt = new Date().toISOString();

    const truncatedLines: string[] = [];
    let chars = 0;
    for (const line of lines) {
      if (truncatedLines.length >= MAX_STORED_LINES || chars + line.length > MAX_STORED_CHARS) break;
      truncatedLines.push(line);
      chars += line.length;
    }
    const snapshot: Snapshot = { url: inputs.url, hash, checked_at: checkedAt, lines: truncatedLines };
    await ctx.db.put(key, { ...snapshot });

    const changed = previous !== null && previous.hash !== hash;
    const added = previous ? minus(truncatedLines, previous.lines) : [];
    const removed = previous ? minus(previous.lines, truncatedLines) : [];
    const summary = !previous
      ? `First check: ${lines.length} lines recorded.`
      : !changed
        ? `No change since ${previous.checked_at}.`
        : added.length + removed.length === 0
          ? 'Changed beyond the stored lines (the page is longer than what is kept for the diff).'
          : `${added.length} line${added.length === 1 ? '' : 's'} added, ${removed.length} removed since ${previous.checked_at}.`;
    ctx.log(summary);
    return {
      url: inputs.url,
      final_url: res.url || inputs.url,
      status: res.status,
      changed,
      first_check: previous === null,
      hash,
      ...(previous ? { previous_hash: previous.hash, previous_checked_at: previous.checked_at } : {}),
      checked_at: checkedAt,
      diff: { added: added.slice(0, MAX_DIFF_LINES).map(cut), removed: removed.slice(0, MAX_DIFF_LINES).map(cut), added_count: added.length, removed_count: removed.length, summary },
      line_count: lines.length,
    };
  },
});
