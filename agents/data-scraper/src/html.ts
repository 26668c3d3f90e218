/**
 * A small HTML reader for the Data Scraper: one pass over the tags (no DOM), enough for real pages —
 * title, meta, links, headings, JSON-LD and the readable text with paragraphs kept. Raw-text
 * elements (script, style…) are skipped whole; entities are decoded.
 */

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', bull: '•', middot: '·', euro: '€', pound: '£', yen: '¥', cent: '¢',
  deg: '°', times: '×', divide: '÷', plusmn: '±', sect: '§', para: '¶', iexcl: '¡', iquest: '¿', eacute: 'é', egrave: 'è', agrave: 'à',
  aacute: 'á', ccedil: 'ç', ntilde: 'ñ', ouml: 'ö', uuml: 'ü', auml: 'ä', szlig: 'ß', oacute: 'ó', iacute: 'í', uacute: 'ú', ecirc: 'ê', rarr: '→', larr: '←', zwj: '', zwnj: '', shy: '',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (match, entity: string) => {
    if (entity[0] === '#') {
      const cp = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : match;
    }
    return NAMED[entity.toLowerCase()] ?? match;
  });
}

export function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  const re = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const name = m[1]!.toLowerCase();
    if (!(name in attributes)) attributes[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attributes;
}

const RAW_TEXT = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'canvas']);
const BLOCK = new Set(['address', 'article', 'aside', 'blockquote', 'body', 'dd', 'details', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'ul', 'caption', 'html', 'head', 'title']);
const BOILERPLATE = new Set(['nav', 'footer', 'aside', 'form']);

export interface ParsedPage {
  title: string;
  lang: string;
  meta: Record<string, string>;
  links: { href: string; text: string; rel: string }[];
  headings: { level: number; text: string }[];
  text: string;
  jsonLd: string[];
}

const squash = (s: string) => s.replace(/[\s\u00a0]+/g, ' ').trim();

/** Reads a page. `skipBoilerplate` leaves nav, footer, aside and form out of the text (links are kept). */
export function parseHtml(html: string, skipBoilerplate: boolean): ParsedPage {
  const page: ParsedPage = { title: '', lang: '', meta: {}, links: [], headings: [], text: '', jsonLd: [] };
  let boilerplateDepth = 0;
  // Every piece of text, and whether it belongs to the body text (not inside nav/footer/aside/form).
  const out: string[] = [];
  const inBody: boolean[] = [];
  const push = (piece: string) => {
    out.push(piece);
    inBody.push(boilerplateDepth === 0);
  };
  let inTitle = false;
  let title = '';
  const openHeadings: { level: number; start: number }[] = [];
  const openLinks: { href: string; rel: string; start: number }[] = [];
  const tagRe = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<\?[^>]*>|<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
  let last = 0;
  const emitText = (raw: string) => {
    if (!raw) return;
    const decoded = decodeEntities(raw);
    if (inTitle) title += decoded;
    push(decoded);
  };
  const textSince = (start: number) => squash(out.slice(start).join(''));
  for (let m = tagRe.exec(html); m; m = tagRe.exec(html)) {
    const textPart = html.slice(last, m.index);
    last = tagRe.lastIndex;
    emitText(textPart);
    const name = m[2]?.toLowerCase();
    if (!name) continue; // comment, doctype, CDATA
    const closing = m[1] === '/';
    const attrSource = m[3] ?? '';
    if (!closing && RAW_TEXT.has(name)) {
      const end = html.toLowerCase().indexOf(`</${name}`, last);
      const body = html.slice(last, end === -1 ? html.length : end);
      if (name === 'script' && /application\/ld\+json/i.test(attrSource)) page.jsonLd.push(body.trim());
      const after = end === -1 ? html.length : html.indexOf('>', end);
      last = after === -1 ? html.length : after + 1;
      tagRe.lastIndex = last;
      continue;
    }
    if (BOILERPLATE.has(name) && skipBoilerplate) {
      push('\n\n');
      boilerplateDepth = Math.max(0, boilerplateDepth + (closing ? -1 : attrSource.trim().endsWith('/') ? 0 : 1));
      continue;
    }
    if (name === 'title') {
      inTitle = !closing && !page.title && !title;
      if (closing && title) page.title = squash(title);
    }
    if (name === 'br') push('\n');
    else if (BLOCK.has(name) || name === 'td' || name === 'th') push(name === 'td' || name === 'th' ? ' \t ' : '\n\n');
    if (closing) {
      if (/^h[1-6]$/.test(name)) {
        const open = openHeadings.pop();
        if (open) {
          const text = textSince(open.start);
          if (text) page.headings.push({ level: open.level, text });
        }
      } else if (name === 'a') {
        const open = openLinks.pop();
        if (open) page.links.push({ href: open.href, rel: open.rel, text: textSince(open.start) });
      }
      continue;
    }
    const attributes = parseAttributes(attrSource);
    if (name === 'html' && attributes.lang) page.lang = attributes.lang;
    else if (/^h[1-6]$/.test(name)) openHeadings.push({ level: Number(name[1]), start: out.length });
    else if (name === 'a' && attributes.href !== undefined) {
      if (openLinks.length) {
        const open = openLinks.pop()!;
        page.links.push({ href: open.href, rel: open.rel, text: textSince(open.start) });
      }
      openLinks.push({ href: attributes.href, rel: attributes.rel ?? '', start: out.length });
    } else if (name === 'meta') {
      const key = (attributes.name ?? attributes.property ?? attributes['http-equiv'] ?? attributes.itemprop ?? '').toLowerCase();
      if (key && attributes.content !== undefined && !(key in page.meta)) page.meta[key] = squash(attributes.content);
      if (attributes.charset) page.meta.charset ??= attributes.charset;
    } else if (name === 'link' && attributes.href && /\bcanonical\b/i.test(attributes.rel ?? '')) page.meta.canonical ??= attributes.href;
    else if (name === 'img' && attributes.alt) push(` ${attributes.alt} `);
  }
  emitText(html.slice(last));
  if (!page.title && title) page.title = squash(title);
  for (const open of openLinks) page.links.push({ href: open.href, rel: open.rel, text: textSince(open.start) });
  // Paragraphs: lines squashed, blank lines between blocks; the title is not part of the body text.
  const lines = out.map((piece, i) => (inBody[i] ? piece : '')).join('').split('\n').map((line) => squash(line));
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line) current.push(line);
    else if (current.length) {
      paragraphs.push(current.join('\n'));
      current = [];
    }
  }
  if (current.length) paragraphs.push(current.join('\n'));
  if (paragraphs[0] === page.title) paragraphs.shift();
  page.text = paragraphs.join('\n\n');
  return page;
}
