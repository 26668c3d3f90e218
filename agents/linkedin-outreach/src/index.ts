import { defineAgent, z } from '@frameos/agent-sdk';

/**
 * LinkedIn outreach: reads a profile page in the platform's browser (ctx.browser.read, the
 * deployment's allowed hosts), personalises a connection note from a template and sends the
 * connection request through the outreach provider the deployment configures
 * (`config.provider_url`, `secrets.provider_api_key`): POST {profile_url, message} with a bearer key.
 * FrameOS does not log in to LinkedIn itself; the provider holds the account that sends.
 */

/** LinkedIn's limit for the note of a connection request, in characters. */
export const CONNECTION_NOTE_LIMIT = 300;

/**
 * Default selectors: LinkedIn's public profile page, then the signed-in layout, then generic
 * fallbacks (`[itemprop]`, data attributes). A comma list answers its first match in document order.
 */
const DEFAULT_SELECTORS = {
  name: 'h1.top-card-layout__title, h1.text-heading-xlarge, [data-profile-field="name"], [itemprop="name"], h1',
  headline: 'h2.top-card-layout__headline, .pv-text-details__left-panel .text-body-medium, div.text-body-medium.break-words, [data-profile-field="headline"], [itemprop="jobTitle"]',
  company: '[data-section="currentPositionsDetails"] .top-card-link__description, .top-card-link--current-company, button[aria-label^="Current company"], [data-profile-field="company"], [itemprop="worksFor"]',
  location: '.top-card__subline-item, .profile-info-subheader .not-first-middot span, .pv-text-details__left-panel .text-body-small.inline, [data-profile-field="location"], [itemprop="address"]',
} as const;

type ProfileField = keyof typeof DEFAULT_SELECTORS;
const PROFILE_FIELDS = Object.keys(DEFAULT_SELECTORS) as ProfileField[];

const DEFAULT_TEMPLATE = "Hi {{first_name}}, I came across your profile and your work at {{company|your company}} caught my eye. I'd be glad to connect and swap notes.";

const clean = (value: string | null | undefined): string => (value ?? '').replace(/\s+/g, ' ').trim();
const chars = (text: string): number => [...text].length;

/** "Dr. Ada King (she/her), PhD" → Ada. */
function firstNameOf(name: string): string {
  const words = name
    .replace(/\([^)]*\)/g, ' ')
    .replace(/,.*$/, '')
    .split(/\s+/)
    .filter((w) => w && !/^(dr|mr|mrs|ms|mx|prof|sir)\.?$/i.test(w));
  return words[0] ?? name;
}

/** "Head of Data at Acme Corp" or "CTO @ Acme | Speaker" → Acme Corp / Acme. */
function companyFromHeadline(headline: string): string {
  const m = /(?:\bat\b|@)\s+([^|·•,]+)/i.exec(headline);
  return clean(m?.[1]);
}

/** {{key}} or {{key|fallback}}; an unknown key or an empty value without a fallback is an error naming it. */
export function personalise(template: string, values: Record<string, string>): string {
  const problems: string[] = [];
  const text = template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*(?:\|([^}]*))?\}\}/g, (_m, key: string, fallback: string | undefined) => {
    const value = values[key];
    if (value === undefined && fallback === undefined) problems.push(`{{${key}}} is not a known placeholder (known: ${Object.keys(values).sort().join(', ')})`);
    else if (!value && fallback === undefined) problems.push(`{{${key}}} is empty for this profile; give a fallback as {{${key}|…}}`);
    return value || (fallback ?? '').trim();
  });
  if (problems.length > 0) throw new Error(`message_template: ${problems.join('; ')}.`);
  return text.replace(/[ \t]+/g, ' ').trim();
}

/** Cuts to `limit` characters at a word boundary, ending with an ellipsis. */
function truncate(text: string, limit: number): string {
  const cps = [...text];
  if (cps.length <= limit) return text;
  const head = cps.slice(0, limit - 1).join('');
  const cut = head.replace(/\s+\S*$/, '');
  return `${(cut.length >= head.length * 0.6 ? cut : head).replace(/[\s,;:.-]+$/, '')}…`;
}

function parsesAsUrl(raw: string): boolean {
  try {
    new URL(raw);
    return true;
  } catch {
    return false;
  }
}

function configuration(message: string): Error {
  return new Error(`configuration: ${message}`);
}

const ConfigSelectors = z.record(z.string(), z.string().min(1).max(1000));

export default defineAgent({
  manifest: {
    id: 'agt_linkedin_outreach',
    name: 'LinkedIn Outreach',
    version: '1.0.0',
    description: 'Reads a LinkedIn profile in a real browser (name, headline, company, location), personalises your connection note (LinkedIn\'s 300-character limit enforced) and sends the request through the outreach provider your deployment configures (config.provider_url, secrets.provider_api_key). dry_run previews the note without sending.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'per_execution', amount: 50, currency: 'USD' },
    capabilities: ['http_request', 'browser_automation'],
    runtime: { timeout_ms: 45_000, memory_mb: 64 },
    metadata: { category: 'sales', tags: ['linkedin', 'outreach', 'lead-generation', 'personalisation', 'browser'] },
  },
  inputs: z.object({
    profile_url: z.url({ protocol: /^https?$/ }).describe('The profile page (e.g. https://www.linkedin.com/in/…); its host must be in the deployment\'s allowed_hosts'),
    message_template: z.string().min(1).max(2000).default(DEFAULT_TEMPLATE).describe('The note: {{first_name}}, {{last_name}}, {{name}}, {{headline}}, {{company}}, {{location}}, {{profile_url}} and your variables; {{key|fallback}} when a value may be missing'),
    variables: z.record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/), z.string().max(500)).default({}).describe('More placeholders for the template (e.g. {"sender": "Ada"}); a profile field of the same name wins'),
    on_too_long: z.enum(['error', 'truncate']).default('error').describe(`A note over ${CONNECTION_NOTE_LIMIT} characters: fail (error) or cut it at a word (truncate, then truncated is true)`),
    dry_run: z.boolean().default(false).describe('Read the profile and personalise the note, but send nothing (no provider needed)'),
  }),
  outputs: z.object({
    profile_url: z.string(),
    name: z.string().describe('The profile\'s full name'),
    first_name: z.string(),
    headline: z.string().optional().describe('Absent when the page shows none'),
    company: z.string().optional().describe('The current company (from the page, else from the headline\'s "at …"); absent when neither says'),
    location: z.string().optional(),
    message: z.string().describe('The personalised note as sent (or as it would be sent)'),
    message_length: z.number().int().describe(`Characters (at most ${CONNECTION_NOTE_LIMIT})`),
    truncated: z.boolean().describe('The note was cut to the limit (on_too_long: truncate)'),
    dry_run: z.boolean(),
    sent: z.boolean().describe('The provider accepted the connection request'),
    request_id: z.string().optional().describe('The provider\'s id of the request (absent in a dry run, or if the provider gave none)'),
    status: z.string().describe('The provider\'s status of the request (e.g. pending, queued), or dry_run'),
  }),
  examples: [{ name: 'Preview a note', inputs: { profile_url: 'https://www.linkedin.com/in/ada-lovelace', message_template: 'Hi {{first_name}}, fellow analyst here: I enjoyed your notes on engines at {{company|your company}}. Connect?', dry_run: true } }],
  handler: async (inputs, ctx) => {
    const config = ctx.config;
    const extra = config.selectors;
    let selectors: Record<ProfileField, string> = { ...DEFAULT_SELECTORS };
    if (extra !== undefined) {
      const parsed = ConfigSelectors.safeParse(extra);
      if (!parsed.success) throw configuration('config.selectors must be an object of CSS selectors, e.g. {"name": "h1.title"}.');
      const unknown = Object.keys(parsed.data).filter((k) => !(PROFILE_FIELDS as string[]).includes(k));
      if (unknown.length > 0) throw configuration(`config.selectors: unknown field ${unknown.join(', ')} (use ${PROFILE_FIELDS.join(', ')}).`);
      selectors = { ...selectors, ...parsed.data };
    }

    // Settled before the page is read: a deployment that cannot send fails at once, without a browser.
    let provider: { url: string; key: string } | null = null;
    if (!inputs.dry_run) {
      const url = config.provider_url;
      if (typeof url !== 'string' || url.trim() === '') throw configuration('set config.provider_url to your outreach provider\'s endpoint (POST {profile_url, message}), and add its host to allowed_hosts; or run with dry_run: true.');
      if (!/^https?:\/\//i.test(url.trim()) || !parsesAsUrl(url.trim())) throw configuration('config.provider_url must be an http(s) URL.');
      const key = ctx.secrets.provider_api_key;
      if (typeof key !== 'string' || key === '') throw configuration('set the secret provider_api_key (sent as a bearer token to config.provider_url).');
      provider = { url: url.trim(), key };
    }

    const page = await ctx.browser.read(inputs.profile_url, { selectors, wait_for: selectors.name, timeout_ms: 20_000 });
    if (page.status >= 400) throw new Error(`The profile page answered HTTP ${page.status}; nothing was sent.`);
    const name = clean(page.fields.name);
    if (!name) throw new Error(`No name on ${page.url} (selector ${selectors.name}): not a profile page, or LinkedIn showed a sign-in wall. Set config.selectors for this layout; nothing was sent.`);
    const headline = clean(page.fields.headline) || null;
    const company = clean(page.fields.company) || (headline ? companyFromHeadline(headline) : '') || null;
    const location = clean(page.fields.location) || null;
    const firstName = firstNameOf(name);
    const lastName = name.split(/\s+/).slice(1).join(' ');

    const values: Record<string, string> = {
      ...inputs.variables,
      name, first_name: firstName, last_name: lastName, headline: headline ?? '', company: company ?? '', location: location ?? '', profile_url: inputs.profile_url,
    };
    let message = personalise(inputs.message_template, values);
    let truncated = false;
    if (chars(message) > CONNECTION_NOTE_LIMIT) {
      if (inputs.on_too_long === 'error') throw new Error(`The personalised note is ${chars(message)} characters; LinkedIn allows ${CONNECTION_NOTE_LIMIT} in a connection note. Shorten message_template or pass on_too_long: "truncate". Nothing was sent.`);
      message = truncate(message, CONNECTION_NOTE_LIMIT);
      truncated = true;
    }
    const profile = {
      profile_url: inputs.profile_url, name, first_name: firstName,
      ...(headline ? { headline } : {}), ...(company ? { company } : {}), ...(location ? { location } : {}),
      message, message_length: chars(message), truncated,
    };
    if (!provider) {
      ctx.log('dry run: nothing sent');
      return { ...profile, dry_run: true, sent: false, status: 'dry_run' };
    }

    const res = await ctx.fetch(provider.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${provider.key}`, 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': ctx.execution_id },
      body: JSON.stringify({ profile_url: inputs.profile_url, message }),
    });
    const text = await res.text();
    let answer: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) answer = parsed as Record<string, unknown>;
    } catch {
      // not JSON: reported below by status
    }
    if (!res.ok) {
      const error = answer.error;
      const reason = typeof error === 'string' ? error : typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string' ? (error as { message: string }).message : typeof answer.message === 'string' ? answer.message : res.statusText;
      throw new Error(`The provider refused the connection request: HTTP ${res.status}${reason ? ` (${String(reason).slice(0, 200)})` : ''}.`);
    }
    const id = answer.id ?? answer.request_id;
    const status = answer.status;
    ctx.log('connection request sent', typeof id === 'string' ? id : '');
    return {
      ...profile,
      dry_run: false,
      sent: true,
      ...(typeof id === 'string' || typeof id === 'number' ? { request_id: String(id) } : {}),
      status: typeof status === 'string' && status ? status : 'sent',
    };
  },
});
