import { defineAgent, z } from '@frameos/agent-sdk';

/**
 * SEO article drafts. Offline (the default) it is deterministic: a title, slug and meta description
 * built around the primary keyword, an outline from the keywords, and sections filled with the
 * source text's sentences that mention each keyword, joined by templates for the tone. With
 * `config.llm_base_url` and `secrets.llm_api_key` it asks an OpenAI-compatible chat-completions
 * endpoint to write the article to the same outline. Either way the result is checked: keyword
 * placement and density, title and description lengths, headings.
 */

type Tone = 'professional' | 'friendly' | 'persuasive' | 'informative';

const STOPWORDS = new Set('a an and are as at be but by for from has have in into is it its of on or that the their this to was were will with you your our we can not more most also than then these those which who what when how why'.split(' '));

const capitalise = (s: string) => s.replace(/(^|\s)(\p{Ll})/gu, (_m, space: string, c: string) => space + c.toUpperCase());
const sentenceCase = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const words = (s: string): string[] => s.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function slugify(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
}

function splitSentences(text: string): string[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .flatMap((block) => block.replace(/\s+/g, ' ').trim().split(/(?<=[.!?])\s+(?=[A-Z0-9"“])/))
    .map((s) => s.trim())
    .filter((s) => words(s).length >= 5 && /[.!?]$/.test(s));
}

/** Cuts at a word boundary to at most `max` characters. */
function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2)).replace(/[\s,;:.-]+$/, '')}…`;
}

const OPENERS: Record<Tone, (topic: string, audience: string) => string> = {
  professional: (t, a) => `${sentenceCase(t)} has become a priority for ${a}. This guide sets out what it involves, why it matters and how to approach it.`,
  friendly: (t, a) => `Curious about ${t}? You are not alone: more and more ${a} are looking into it. Here is a friendly walk-through of what you need to know.`,
  persuasive: (t, a) => `${sentenceCase(t)} is no longer optional for ${a}. Those who get it right move faster, spend less and win more.`,
  informative: (t, a) => `This article explains ${t} for ${a}: the essentials, the details that matter and the questions people ask most.`,
};

const CLOSERS: Record<Tone, string> = {
  professional: 'Taken together, these points give a clear basis for a decision.',
  friendly: 'That is it: you now have everything you need to get started.',
  persuasive: 'The sooner you start, the sooner the results show.',
  informative: 'These are the main facts to keep in mind.',
};

interface Outline {
  level: number;
  heading: string;
}

interface Draft {
  title: string;
  content: string;
  outline: Outline[];
  meta_description: string;
}

function planOutline(topic: string, primary: string, secondary: string[], audience: string): Outline[] {
  const outline: Outline[] = [{ level: 2, heading: `What is ${primary}?` }, { level: 2, heading: `Why ${primary} matters${audience ? ` for ${audience}` : ''}` }];
  for (const keyword of secondary.slice(0, 4)) outline.push({ level: 2, heading: capitalise(keyword) });
  outline.push({ level: 2, heading: `Best practices for ${topic.toLowerCase() === primary ? primary : topic}` });
  outline.push({ level: 2, heading: 'Frequently asked questions' });
  outline.push({ level: 2, heading: 'Conclusion' });
  return outline;
}

function templateDraft(input: { topic: string; primary: string; secondary: string[]; sentences: string[]; audience: string; tone: Tone; word_count: number; brand?: string | undefined; call_to_action?: string | undefined }, outline: Outline[], title: string): Draft {
  const { primary, secondary, tone } = input;
  const audience = input.audience || 'teams';
  const used = new Set<number>();
  // Source sentences that mention a phrase, best (most keyword words) first, each used once.
  const take = (phrase: string, count: number): string[] => {
    const target = words(phrase).filter((w) => !STOPWORDS.has(w));
    const ranked = input.sentences
      .map((s, i) => ({ i, s, hits: target.filter((w) => words(s).includes(w)).length }))
      .filter((x) => !used.has(x.i) && x.hits > 0)
      .sort((a, b) => b.hits - a.hits || a.i - b.i)
      .slice(0, count);
    for (const r of ranked) used.add(r.i);
    return ranked.sort((a, b) => a.i - b.i).map((r) => r.s);
  };
  const perSection = Math.max(2, Math.round(input.word_count / 25 / outline.length));
  const parts: string[] = [`# ${title}`, '', [OPENERS[tone](primary, audience), ...take(primary, 1)].join(' ')];
  for (const section of outline) {
    parts.push('', `${'#'.repeat(section.level)} ${section.heading}`, '');
    const heading = section.heading.toLowerCase();
    let body: string[];
    if (heading.startsWith('what is')) {
      body = [...take(primary, perSection)];
      if (body.length === 0) body = [`${sentenceCase(primary)} covers the methods, tools and habits that ${audience} rely on to ${input.topic.toLowerCase() === primary ? 'get results' : `make progress on ${input.topic.toLowerCase()}`}.`];
    } else if (heading.startsWith('why')) {
      body = [`For ${audience}, ${primary} affects cost, speed and quality at once.`, ...take(`${primary} ${input.topic}`, perSection)];
    } else if (heading === 'frequently asked questions') {
      const faqs = [primary, ...secondary.slice(0, 2)].map((k) => {
        const answer = take(k, 1)[0] ?? `It depends on your goals; start small with ${k}, measure the effect and expand what works.`;
        return `**How should ${audience} approach ${k}?**\n\n${answer}`;
      });
      parts.push(faqs.join('\n\n'));
      continue;
    } else if (heading === 'conclusion') {
      body = [`${sentenceCase(primary)} rewards a deliberate approach.`, CLOSERS[tone]];
      if (input.call_to_action) body.push(input.call_to_action.trim());
      else if (input.brand) body.push(`${input.brand} can help you put ${primary} into practice.`);
    } else if (heading.startsWith('best practices')) {
      const points = [primary, ...secondary].slice(0, 5).map((k) => `- **${capitalise(k)}:** ${take(k, 1)[0] ?? `define a clear goal for ${k} and review it regularly.`}`);
      parts.push(`A few practices make ${primary} work in the long run:`, '', points.join('\n'));
      continue;
    } else {
      const found = take(section.heading, perSection);
      body = found.length ? found : [`${section.heading} is closely tied to ${primary}.`, `Look at how ${section.heading.toLowerCase()} fits your current process before changing it.`];
    }
    parts.push(body.join(' '));
  }
  const content = parts.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  return { title, content, outline, meta_description: metaDescription(primary, input.sentences, tone, audience) };
}

function metaDescription(primary: string, sentences: string[], tone: Tone, audience: string): string {
  const lead = sentences.find((s) => s.toLowerCase().includes(primary.toLowerCase()));
  const base = lead ?? `${tone === 'persuasive' ? 'Get ahead with' : 'Learn about'} ${primary}: what it is, why it matters for ${audience} and how to get it right.`;
  const withKeyword = base.toLowerCase().includes(primary.toLowerCase()) ? base : `${sentenceCase(primary)}: ${base}`;
  // A short lead sentence leaves room for what the reader gets.
  return clip(lead && withKeyword.length < 100 ? `${withKeyword} Learn why it matters for ${audience} and how to get it right.` : withKeyword, 155);
}

const llmReplySchema = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string().nullable().optional() }) })).min(1), model: z.string().optional() });

function keywordUsage(content: string, keywords: string[]) {
  const text = content.toLowerCase();
  const total = Math.max(1, words(content).length);
  return keywords.map((keyword) => {
    const occurrences = (text.match(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(keyword.toLowerCase())}(?![\\p{L}\\p{N}])`, 'gu')) ?? []).length;
    return { keyword, occurrences, density: Math.round(((occurrences * words(keyword).length) / total) * 10000) / 100 };
  });
}

export default defineAgent({
  manifest: {
    id: 'agt_seo_content',
    name: 'SEO Content Generator',
    version: '1.0.0',
    description: 'Drafts an SEO article: title, slug, meta description, outline and Markdown body built around your keywords (e.g. the Keyword Extractor\'s) and source text, with keyword-placement checks. Offline templates by default; an OpenAI-compatible model when configured.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'per_execution', amount: 15, currency: 'USD' },
    capabilities: ['http_request'],
    runtime: { timeout_ms: 90_000, memory_mb: 64 },
    metadata: { category: 'marketing', tags: ['seo', 'content', 'copywriting', 'blog', 'llm'] },
  },
  inputs: z.object({
    topic: z.string().min(3).max(200).describe('What the article is about'),
    keywords: z.array(z.string().min(2).max(80)).max(20).default([]).describe('Target keywords, primary first (e.g. the Keyword Extractor\'s `keywords`); default: the topic'),
    text: z.string().max(200_000).optional().describe('Source material whose sentences the draft uses (e.g. the Data Scraper\'s or the Summarizer\'s `text`)'),
    audience: z.string().max(100).optional().describe('Who the article is for, e.g. "small business owners"'),
    tone: z.enum(['professional', 'friendly', 'persuasive', 'informative']).default('professional'),
    word_count: z.number().int().min(200).max(3000).default(800).describe('Target length (the offline draft is bounded by the source text)'),
    brand: z.string().max(80).optional().describe('Mentioned in the conclusion'),
    call_to_action: z.string().max(300).optional().describe('The closing sentence'),
  }),
  outputs: z.object({
    title: z.string().describe('At most 70 characters, with the primary keyword'),
    slug: z.string(),
    meta_description: z.string().describe('At most 155 characters'),
    outline: z.array(z.object({ level: z.number().int(), heading: z.string() })).describe('The H2/H3 headings'),
    content: z.string().describe('The article in Markdown'),
    word_count: z.number().int(),
    keyword_usage: z.array(z.object({ keyword: z.string(), occurrences: z.number().int(), density: z.number().describe('percent of the words') })),
    checks: z.array(z.object({ check: z.string(), passed: z.boolean(), detail: z.string() })).describe('On-page SEO checks'),
    generated_by: z.enum(['template', 'llm']),
    model: z.string().optional().describe('The model, when an LLM wrote the body'),
  }),
  examples: [{ name: 'From keywords and source text', inputs: { topic: 'Home solar batteries', keywords: ['solar battery', 'battery storage', 'electricity bill'], text: 'A solar battery stores the power your panels make during the day. Battery storage lets you use it in the evening, when electricity is most expensive. Most households cut their electricity bill by a third.', audience: 'homeowners' } }],
  handler: async (inputs, ctx) => {
    const keywords = [...new Set((inputs.keywords.length ? inputs.keywords : [inputs.topic]).map((k) => k.trim().toLowerCase()).filter(Boolean))];
    const primary = keywords[0]!;
    const secondary = keywords.slice(1);
    const sentences = inputs.text ? splitSentences(inputs.text) : [];
    const audience = inputs.audience?.trim() ?? '';
    const outline = planOutline(inputs.topic, primary, secondary, audience);
    const titleBase = primary === inputs.topic.toLowerCase() ? capitalise(inputs.topic) : `${capitalise(primary)}: ${capitalise(inputs.topic)}`;
    const suffix = { professional: 'A Practical Guide', friendly: 'Everything You Need to Know', persuasive: 'Why It Pays Off', informative: 'The Essentials' }[inputs.tone];
    const title = clip(`${titleBase}${titleBase.length + suffix.length + 3 <= 65 ? ` — ${suffix}` : ''}`, 70);

    const baseUrl = typeof ctx.config.llm_base_url === 'string' ? ctx.config.llm_base_url.trim() : '';
    const apiKey = ctx.secrets.llm_api_key ?? '';
    if (ctx.config.llm_base_url !== undefined && typeof ctx.config.llm_base_url !== 'string') throw new Error('configuration: config.llm_base_url must be a string URL such as https://api.openai.com/v1.');
    if (baseUrl && !apiKey) throw new Error('configuration: config.llm_base_url is set but the secret llm_api_key is missing; add it to the deployment\'s secrets, or remove llm_base_url to use the offline templates.');
    if (apiKey && !baseUrl) throw new Error('configuration: the secret llm_api_key is set but config.llm_base_url is missing (an OpenAI-compatible base URL such as https://api.openai.com/v1).');

    let draft: Draft;
    let model: string | undefined;
    if (baseUrl) {
      model = typeof ctx.config.llm_model === 'string' && ctx.config.llm_model ? ctx.config.llm_model : 'gpt-4o-mini';
      const brief = [
        `Write an SEO article of about ${inputs.word_count} words in Markdown on: ${inputs.topic}.`,
        `Audience: ${audience || 'a general business audience'}. Tone: ${inputs.tone}.`,
        `Primary keyword: "${primary}" (use it in the title, the first paragraph and one H2). Secondary keywords: ${secondary.map((k) => `"${k}"`).join(', ') || 'none'}.`,
        `Start with "# ${title}" and use these H2 sections in order:\n${outline.map((o) => `## ${o.heading}`).join('\n')}`,
        inputs.call_to_action ? `End with this call to action: ${inputs.call_to_action}` : '',
        sentences.length ? `Use only facts from this source material:\n"""\n${sentences.join(' ').slice(0, 8_000)}\n"""` : 'Do not invent statistics or quotes.',
      ].filter(Boolean).join('\n\n');
      const res = await ctx.fetch(`${baseUrl.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ model, temperature: 0.4, messages: [{ role: 'system', content: 'You are an experienced SEO copywriter. Reply with the article only, in Markdown.' }, { role: 'user', content: brief }] }),
      });
      const raw = await res.text();
      if (!res.ok) {
        let reason = raw.slice(0, 200);
        try {
          const parsed = JSON.parse(raw) as { error?: { message?: unknown } };
          if (typeof parsed.error?.message === 'string') reason = parsed.error.message;
        } catch {
          // not JSON: the start of the body says why
        }
        throw new Error(`The LLM provider answered ${res.status}${res.status === 401 ? ' (check the llm_api_key secret)' : ''}: ${reason}`);
      }
      let reply: z.infer<typeof llmReplySchema>;
      try {
        reply = llmReplySchema.parse(JSON.parse(raw));
      } catch {
        throw new Error('The LLM provider\'s answer is not an OpenAI chat-completions response (choices[0].message.content).');
      }
      const content = (reply.choices[0]!.message.content ?? '').trim();
      if (!content) throw new Error('The LLM provider returned an empty article.');
      model = reply.model ?? model;
      const headings = [...content.matchAll(/^(#{2,3})\s+(.+?)\s*#*$/gm)].map((m) => ({ level: m[1]!.length, heading: m[2]! }));
      const h1 = /^#\s+(.+)$/m.exec(content)?.[1]?.trim();
      const firstParagraph = content.split(/\n\s*\n/).find((p) => !p.startsWith('#'))?.replace(/[*_`>#-]/g, '').replace(/\s+/g, ' ').trim() ?? '';
      draft = { title: clip(h1 ?? title, 70), content, outline: headings, meta_description: clip(firstParagraph || metaDescription(primary, sentences, inputs.tone, audience || 'teams'), 155) };
    } else {
      draft = templateDraft({ topic: inputs.topic, primary, secondary, sentences, audience, tone: inputs.tone, word_count: inputs.word_count, brand: inputs.brand, call_to_action: inputs.call_to_action }, outline, title);
    }

    const usage = keywordUsage(draft.content, keywords);
    const wordCount = words(draft.content.replace(/[#*_`>-]/g, ' ')).length;
    const firstParagraph = draft.content.split(/\n\s*\n/).find((p) => !p.startsWith('#')) ?? '';
    const primaryUse = usage[0]!;
    const has = (s: string) => s.toLowerCase().includes(primary);
    const checks = [
      { check: 'title_length', passed: draft.title.length >= 20 && draft.title.length <= 70, detail: `${draft.title.length} characters (20–70)` },
      { check: 'keyword_in_title', passed: has(draft.title), detail: `"${primary}" ${has(draft.title) ? 'is' : 'is not'} in the title` },
      { check: 'keyword_in_first_paragraph', passed: has(firstParagraph), detail: `"${primary}" ${has(firstParagraph) ? 'is' : 'is not'} in the first paragraph` },
      { check: 'keyword_in_heading', passed: draft.outline.some((o) => has(o.heading)), detail: 'the primary keyword in an H2/H3' },
      { check: 'meta_description_length', passed: draft.meta_description.length >= 70 && draft.meta_description.length <= 155, detail: `${draft.meta_description.length} characters (70–155)` },
      { check: 'keyword_density', passed: primaryUse.density >= 0.5 && primaryUse.density <= 3, detail: `${primaryUse.density}% (0.5–3%)` },
      { check: 'word_count', passed: wordCount >= 300, detail: `${wordCount} words (at least 300)` },
    ];
    return {
      title: draft.title,
      slug: slugify(primary === inputs.topic.toLowerCase() ? inputs.topic : `${primary} ${inputs.topic}`),
      meta_description: draft.meta_description,
      outline: draft.outline,
      content: draft.content,
      word_count: wordCount,
      keyword_usage: usage,
      checks,
      generated_by: baseUrl ? ('llm' as const) : ('template' as const),
      ...(model ? { model } : {}),
    };
  },
});
