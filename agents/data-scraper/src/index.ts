import { defineAgent, z } from '@frameos/agent-sdk';
import { parseHtml, type ParsedPage } from './html.ts';

/**
 * Fetches one page with ctx.fetch (the deployment's allowed hosts) and extracts its title, meta
 * tags, readable text (paragraphs kept, navigation and footers left out by default), headings,
 * links, JSON-LD, and named fields by simple rules: `meta:<name>`, `heading:<1-6>`,
 * `link:<regex on the link text>`, `html:<regex>` or a regex on the text (its first group).
 */

const FIELD_RULE = z.string().min(1).max(500);

function extractField(rule: string, page: ParsedPage, html: string, links: { href: string; text: string }[]): string | null {
  const [, kind, rest] = /^(meta|heading|link|html):([\s\S]*)$/.exec(rule) ?? [null, 'text', rule];
  const regex = (source: string) => {
    try {
      return new RegExp(source, 'i');
    } catch (err) {
      throw new Error(`fields: the pattern ${JSON.stringify(source)} is not a valid regular expression (${err instanceof Error ? err.message : String(err)}).`);
    }
  };
  const firstGroup = (m: RegExpExecArray | null) => (m ? (m[1] ?? m[0]).replace(/\s+/g, ' ').trim() : null);
  switch (kind) {
    case 'meta':
      return page.meta[rest!.toLowerCase()] ?? null;
    case 'heading': {
      const level = Number(rest);
      return page.headings.find((h) => h.level === level)?.text ?? null;
    }
    case 'link': {
      const re = regex(rest!);
      return links.find((l) => re.test(l.text))?.href ?? null;
    }
    case 'html':
      return firstGroup(regex(rest!).exec(html));
    default:
      return firstGroup(regex(rest!).exec(page.text));
  }
}

const linkSchema = z.object({ href: z.string().describe('absolute URL'), text: z.string(), internal: z.boolean().describe('same host as the page'), rel: z.string() });

export default defineAgent({
  manifest: {
    id: 'agt_data_scraper',
    name: 'Data Scraper',
    version: '1.0.0',
    description: 'Fetches a web page and extracts its title, meta tags, readable text, headings, links, JSON-LD and named fields (meta tags, headings, link targets or regular expressions). Its `text` feeds the Summarizer, Sentiment Scorer and Keyword Extractor.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'per_execution', amount: 5, currency: 'USD' },
    capabilities: ['http_request'],
    runtime: { timeout_ms: 40_000, memory_mb: 128 },
    metadata: { category: 'research', tags: ['scraping', 'web', 'extraction', 'html', 'seo'] },
  },
  inputs: z.object({
    url: z.url({ protocol: /^https?$/ }).describe('The page to fetch (its host must be in the deployment\'s allowed_hosts)'),
    fields: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), FIELD_RULE).default({}).describe('Named fields: "meta:og:price", "heading:1", "link:pricing" (href of the first link whose text matches), "html:<regex>" or a regex on the text; the first capture group is the value'),
    skip_boilerplate: z.boolean().default(true).describe('Leave nav, footer, aside and form out of `text`'),
    max_text_chars: z.number().int().min(100).max(500_000).default(50_000).describe('`text` is cut at this length'),
    max_links: z.number().int().min(0).max(1000).default(100).describe('At most this many links (duplicates removed)'),
  }),
  outputs: z.object({
    url: z.string().describe('The URL asked for'),
    final_url: z.string().describe('The URL after redirects'),
    status: z.number().int().describe('HTTP status'),
    content_type: z.string(),
    title: z.string().describe('The <title> (or og:title, or the first h1); empty when there is none'),
    description: z.string().describe('The meta description (or og:description); empty when there is none'),
    lang: z.string(),
    text: z.string().describe('The readable text, paragraphs separated by blank lines (the Summarizer\'s, Sentiment Scorer\'s and Keyword Extractor\'s `text`)'),
    text_truncated: z.boolean(),
    word_count: z.number().int(),
    headings: z.array(z.object({ level: z.number().int(), text: z.string() })),
    links: z.array(linkSchema),
    meta: z.record(z.string(), z.string()).describe('meta name/property → content, plus canonical'),
    structured_data: z.array(z.unknown()).describe('The page\'s JSON-LD objects'),
    fields: z.record(z.string(), z.string().nullable()).describe('Each requested field, null when not found'),
  }),
  examples: [{ name: 'A blog post', inputs: { url: 'https://example.com/', fields: { author: 'meta:author', price: '\\$\\s?([0-9][0-9,.]*)' } } }],
  handler: async (inputs, ctx) => {
    const res = await ctx.fetch(inputs.url, { headers: { accept: 'text/html,application/xhtml+xml,text/plain;q=0.8,*/*;q=0.5' } });
    if (!res.ok) throw new Error(`The page answered ${res.status} ${res.statusText}: ${inputs.url}`);
    const contentType = (res.headers['content-type'] ?? '').toLowerCase();
    const body = await res.text();
    const isHtml = /html|xml/.test(contentType) || (!contentType && /^\s*</.test(body));
    if (!isHtml && !contentType.startsWith('text/')) throw new Error(`Not an HTML or text page: ${contentType || 'no content type'} (${inputs.url}).`);
    const page = isHtml ? parseHtml(body, inputs.skip_boilerplate) : { title: '', lang: '', meta: {}, links: [], headings: [], text: body.trim(), jsonLd: [] };
    const finalUrl = res.url || inputs.url;
    const base = new URL(finalUrl);
    const seen = new Set<string>();
    const links: z.infer<typeof linkSchema>[] = [];
    for (const link of page.links) {
      if (/^\s*(javascript|data|vbscript):/i.test(link.href) || link.href.trim() === '' || link.href.startsWith('#')) continue;
      let href: URL;
      try {
        href = new URL(link.href.trim(), base);
      } catch {
        continue;
      }
      href.hash = '';
      if (seen.has(href.href)) continue;
      seen.add(href.href);
      if (links.length < inputs.max_links) links.push({ href: href.href, text: link.text, internal: href.host === base.host, rel: link.rel });
    }
    if (page.meta.canonical) {
      try {
        page.meta.canonical = new URL(page.meta.canonical, base).href;
      } catch {
        delete page.meta.canonical;
      }
    }
    const structured: unknown[] = [];
    for (const block of page.jsonLd) {
      try {
        const parsed: unknown = JSON.parse(block);
        structured.push(...(Array.isArray(parsed) ? parsed : [parsed]));
      } catch {
        ctx.log('skipped a JSON-LD block that is not valid JSON');
      }
    }
    const fields: Record<string, string | null> = {};
    for (const [name, rule] of Object.entries(inputs.fields)) fields[name] = extractField(rule, page, body, links);
    const truncated = page.text.length > inputs.max_text_chars;
    const text = truncated ? page.text.slice(0, inputs.max_text_chars) : page.text;
    const title = page.title || page.meta['og:title'] || page.headings.find((h) => h.level === 1)?.text || '';
    return {
      url: inputs.url,
      final_url: finalUrl,
      status: res.status,
      content_type: contentType,
      title,
      description: page.meta.description ?? page.meta['og:description'] ?? '',
      lang: page.lang,
      text,
      text_truncated: truncated,
      word_count: (text.match(/[\p{L}\p{N}]+/gu) ?? []).length,
      headings: page.headings.slice(0, 200),
      links,
      meta: page.meta,
      structured_data: structured.slice(0, 50),
      fields,
    };
  },
});
