import { defineAgent, z } from '@frameos/agent-sdk';
import { CODES, exponentOf, lineMatches, parseDecimal, parseMinor, SYMBOLS } from './money.ts';

/**
 * Parses the text of an invoice (pasted, or extracted from a PDF): number, issue and due dates (or
 * payment terms), vendor (name, email, tax id), bill-to, line items and subtotal, tax, shipping,
 * discount and total — every amount in integer minor units of the invoice's currency, parsed from
 * the decimal strings by string arithmetic, never through floating point — and checks that the
 * line items add up to the subtotal and the subtotal, tax, shipping and discount to the total.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function isoDate(y: number, m: number, d: number): string | null {
  if (y < 100) y += 2000;
  if (m < 1 || m > 12 || d < 1) return null;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > days) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function parseDate(text: string, order: 'dmy' | 'mdy'): string | null {
  let m = /(\d{4})-(\d{1,2})-(\d{1,2})/.exec(text);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b/.exec(text);
  if (m) {
    const [a, b, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const dmy = a > 12 ? true : b > 12 ? false : order === 'dmy';
    return dmy ? isoDate(y, b, a) : isoDate(y, a, b);
  }
  m = /\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b/.exec(text);
  if (m && MONTHS.includes(m[2]!.slice(0, 3).toLowerCase())) return isoDate(Number(m[3]), MONTHS.indexOf(m[2]!.slice(0, 3).toLowerCase()) + 1, Number(m[1]));
  m = /\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b/.exec(text);
  if (m && MONTHS.includes(m[1]!.slice(0, 3).toLowerCase())) return isoDate(Number(m[3]), MONTHS.indexOf(m[1]!.slice(0, 3).toLowerCase()) + 1, Number(m[2]));
  return null;
}

function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}-${String(t.getUTCDate()).padStart(2, '0')}`;
}

function detectCurrency(text: string): string | null {
  for (const code of CODES) if (new RegExp(`(^|[^A-Z])${code}([^A-Z]|$)`).test(text)) return code;
  for (const [symbol, code] of SYMBOLS) if (text.includes(symbol)) return code;
  return null;
}

const TOTAL_LABELS: [string, RegExp][] = [
  ['subtotal', /^(sub[\s-]?total|net amount|net total|total before tax|total excl\.?(uding)? (tax|vat))\b/i],
  ['tax', /^(tax|vat|gst|igst|cgst|sgst|hst|pst|sales tax|tax amount)\b/i],
  ['shipping', /^(shipping|delivery|freight|postage|shipping & handling)\b/i],
  ['discount', /^(discount|less discount|promo)\b/i],
  ['total', /^(grand total|total amount|total due|invoice total|amount due|balance due|total payable|total incl\.?(uding)? (tax|vat)|total)\b/i],
];

/** Money tokens of a line, percentages left out; each with its text. */
function amountsIn(line: string, exponent: number): number[] {
  const cleaned = line.replace(/\d+(?:[.,]\d+)?\s*%/g, ' ');
  const tokens = cleaned.match(/\(?-?\s?(?:US\$|C\$|A\$|S\$|R\$|Rs\.?|[$€£₹¥₩])?\s?\d[\d,.' ]*\d\)?|\(?-?\s?(?:US\$|C\$|A\$|S\$|R\$|Rs\.?|[$€£₹¥₩])?\s?\d\)?/g) ?? [];
  return tokens.map((t) => parseMinor(t.replace(/\s+$/, ''), exponent)).filter((v): v is number => v !== null);
}

const lineItem = z.object({
  description: z.string(),
  quantity: z.number().describe('may be fractional (hours, kilograms)'),
  unit_price: z.number().int().describe('minor units'),
  amount: z.number().int().describe('minor units'),
});

export default defineAgent({
  manifest: {
    id: 'agt_invoice_parser',
    name: 'Invoice Parser',
    version: '1.0.0',
    description: 'Reads invoice text into structured data: number, dates and terms, vendor and tax id, bill-to, line items, subtotal, tax, shipping, discount and total as integer minor units with the currency, and checks that the amounts add up.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'per_execution', amount: 10, currency: 'USD' },
    capabilities: [],
    runtime: { timeout_ms: 10_000, memory_mb: 64 },
    metadata: { category: 'productivity', tags: ['invoices', 'accounts-payable', 'finance', 'extraction', 'offline'] },
  },
  inputs: z.object({
    text: z.string().min(10).max(200_000).describe('The invoice as text, one line per line'),
    currency: z.string().regex(/^[A-Z]{3}$/).optional().describe('The currency, when the text does not say it (ISO 4217)'),
    date_order: z.enum(['auto', 'dmy', 'mdy']).default('auto').describe('How to read 03/04/2026; auto: month first for USD, day first otherwise, unless a part is over 12'),
  }),
  outputs: z.object({
    invoice_number: z.string().optional(),
    issue_date: z.string().optional().describe('YYYY-MM-DD'),
    due_date: z.string().optional().describe('YYYY-MM-DD (from the terms, e.g. Net 30, when no date is given)'),
    payment_terms: z.string().optional(),
    currency: z.string().describe('ISO 4217'),
    vendor: z.object({ name: z.string().nullable(), email: z.string().nullable(), tax_id: z.string().nullable() }),
    bill_to: z.object({ name: z.string().nullable(), lines: z.array(z.string()) }),
    line_items: z.array(lineItem),
    subtotal: z.number().int().optional().describe('minor units'),
    tax: z.number().int().optional().describe('minor units, every tax line added'),
    tax_rate: z.string().optional().describe('the rate as written, e.g. "8.25"'),
    shipping: z.number().int().optional(),
    discount: z.number().int().optional().describe('minor units, positive'),
    total: z.number().int().optional().describe('minor units'),
    checks: z.object({
      line_items_match_subtotal: z.boolean().nullable().describe('null when there is nothing to compare'),
      totals_add_up: z.boolean().nullable(),
      line_amounts_match: z.boolean().nullable().describe('quantity × unit price = amount on every line'),
    }),
    warnings: z.array(z.string()),
  }),
  examples: [{ name: 'A simple invoice', inputs: { text: 'Acme Supplies Ltd\nbilling@acme.example\nINVOICE\nInvoice No: INV-2026-001\nDate: March 5, 2026\nTerms: Net 30\n\nBill To:\nGlobex Corp\n\nDescription    Qty    Unit Price    Amount\nWidgets    10    $12.50    $125.00\nSetup fee    1    $75.00    $75.00\n\nSubtotal    $200.00\nTax (8.25%)    $16.50\nTotal    $216.50' } }],
  handler: async (inputs) => {
    const text = inputs.text.replace(/\r\n?/g, '\n');
    const lines = text.split('\n').map((l) => l.replace(/\s+$/, ''));
    const warnings: string[] = [];
    const detected = detectCurrency(text);
    const currency = inputs.currency ?? detected ?? 'USD';
    if (!inputs.currency && !detected) warnings.push('The currency is not stated; USD assumed.');
    if (inputs.currency && detected && detected !== inputs.currency) warnings.push(`The text looks like ${detected} but currency ${inputs.currency} was given; amounts read as ${inputs.currency}.`);
    const exponent = exponentOf(currency);
    const order = inputs.date_order === 'auto' ? (currency === 'USD' ? 'mdy' : 'dmy') : inputs.date_order;

    let invoiceNumber: string | undefined;
    let issueDate: string | undefined;
    let dueDate: string | undefined;
    let terms: string | undefined;
    for (const line of lines) {
      const t = line.trim();
      if (!invoiceNumber) {
        const m = /\b(?:invoice|inv|bill)\s*(?:no\.?|number|num|#|id)\s*[:#.]?\s*([A-Z0-9][A-Z0-9\-/._]*)/i.exec(t) ?? /^invoice\s*[:#]\s*([A-Z0-9][A-Z0-9\-/._]*)/i.exec(t) ?? /^#\s?([A-Z]{0,5}-?\d[\w-]*)$/i.exec(t);
        if (m && /\d/.test(m[1]!)) invoiceNumber = m[1]!.replace(/[.]$/, '');
      }
      const due = /\b(?:due date|payment due|due on|due)\s*[:-]?\s*(.+)$/i.exec(t);
      if (!dueDate && due) dueDate = parseDate(due[1]!, order) ?? undefined;
      const issued = /\b(?:invoice date|date of issue|issue date|issued on|issued|date)\s*[:-]?\s*(.+)$/i.exec(t);
      if (!issueDate && issued && !/due/i.test(t.slice(0, issued.index + 12))) issueDate = parseDate(issued[1]!, order) ?? undefined;
      const net = /\b(net\s*(\d{1,3})|due (?:up)?on receipt|\d{1,3} days)\b/i.exec(t);
      if (!terms && net && /terms|net|receipt|days/i.test(t)) terms = net[0];
    }
    if (!issueDate) {
      for (const line of lines) {
        const d = parseDate(line, order);
        if (d && !/due/i.test(line)) {
          issueDate = d;
          break;
        }
      }
    }
    if (!dueDate && issueDate && terms) {
      const days = /\d{1,3}/.exec(terms);
      if (days) dueDate = addDays(issueDate, Number(days[0]));
      else if (/receipt/i.test(terms)) dueDate = issueDate;
    }

    // Vendor: the first meaningful line (or a From: block); its email and tax id.
    const billIndex = lines.findIndex((l) => /^\s*(bill(ed)?\s+to|invoice\s+to|sold\s+to|customer|ship\s+to)\b/i.test(l));
    const fromIndex = lines.findIndex((l) => /^\s*(from|vendor|seller|supplier)\s*:/i.test(l));
    const itemsHeader = lines.findIndex((l) => /\b(description|item|service|product|details)\b/i.test(l) && /\b(amount|total|price|rate|qty|quantity)\b/i.test(l));
    const header = lines.slice(0, Math.min(...[billIndex, itemsHeader, lines.length].filter((i) => i !== -1)));
    const skipLine = (l: string) => !l.trim() || /^\s*(tax\s+)?invoice\b/i.test(l) || /\b(date|invoice|no\.|number|terms|due)\b\s*[:#]/i.test(l) || /@/.test(l) || /^\s*(from|vendor)\s*:\s*$/i.test(l);
    let vendorName: string | null = null;
    if (fromIndex !== -1) {
      const rest = lines[fromIndex]!.replace(/^\s*(from|vendor|seller|supplier)\s*:\s*/i, '').trim();
      vendorName = rest || lines.slice(fromIndex + 1).find((l) => l.trim())?.trim() || null;
    } else vendorName = header.find((l) => !skipLine(l))?.trim() ?? null;
    const emailIn = (ls: string[]) => ls.join('\n').match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/)?.[0]?.toLowerCase() ?? null;
    const taxId = /\b(?:VAT|GSTIN|GST|EIN|Tax ID|TIN|ABN|VAT Reg\.?)\s*(?:no\.?|number|#|id)?\s*[:#]?\s*([A-Z0-9][A-Z0-9 -]{4,20}[A-Z0-9])/i.exec(header.join('\n'))?.[1]?.trim() ?? null;

    const billLines: string[] = [];
    if (billIndex !== -1) {
      const first = lines[billIndex]!.replace(/^\s*(bill(ed)?\s+to|invoice\s+to|sold\s+to|customer|ship\s+to)\s*:?\s*/i, '').trim();
      if (first) billLines.push(first);
      for (const l of lines.slice(billIndex + 1)) {
        if (!l.trim()) {
          if (billLines.length) break;
          continue;
        }
        if (/\b(description|item|qty|quantity)\b/i.test(l) || /\b(date|invoice)\b\s*[:#]/i.test(l)) break;
        billLines.push(l.trim());
        if (billLines.length >= 6) break;
      }
    }

    // Line items: between the column header and the first totals line.
    const headerIndex = itemsHeader;
    const totalsIndex = lines.findIndex((l, i) => i > headerIndex && TOTAL_LABELS.some(([, re]) => re.test(l.trim())));
    const items: z.infer<typeof lineItem>[] = [];
    let lineAmountsMatch: boolean | null = null;
    if (headerIndex !== -1) {
      for (const line of lines.slice(headerIndex + 1, totalsIndex === -1 ? lines.length : totalsIndex)) {
        if (!line.trim() || /^[\s=_-]+$/.test(line)) continue;
        let tokens = line.split(/\t|\s{2,}|\s*\|\s*/).map((t) => t.trim()).filter(Boolean);
        if (tokens.length < 2) tokens = line.trim().split(/\s+/);
        const numeric: string[] = [];
        while (tokens.length > 1 && numeric.length < 3 && parseMinor(tokens[tokens.length - 1]!, exponent) !== null) numeric.unshift(tokens.pop()!);
        if (numeric.length === 0 || tokens.length === 0) {
          warnings.push(`Line not read as an item: "${line.trim().slice(0, 80)}"`);
          continue;
        }
        const description = tokens.join(' ');
        const amount = parseMinor(numeric[numeric.length - 1]!, exponent)!;
        let quantity: [number, number] = [1, 0];
        let unit = amount;
        if (numeric.length === 3) {
          quantity = parseDecimal(numeric[0]!) ?? [1, 0];
          unit = parseMinor(numeric[1]!, exponent)!;
        } else if (numeric.length === 2) {
          const q = /^[\d.,]+$/.test(numeric[0]!) ? parseDecimal(numeric[0]!) : null;
          if (q && q[1] === 0 && q[0] > 0 && amount % q[0] === 0) {
            quantity = q;
            unit = amount / q[0];
          } else unit = parseMinor(numeric[0]!, exponent)!;
        }
        const ok = lineMatches(quantity, unit, amount);
        lineAmountsMatch = (lineAmountsMatch ?? true) && ok;
        if (!ok) warnings.push(`"${description}": ${numeric.join(' × ')} does not multiply out.`);
        items.push({ description, quantity: quantity[0] / 10 ** quantity[1], unit_price: unit, amount });
      }
    } else warnings.push('No line-item table found (a header row with Description/Item and Qty/Amount).');

    const totals: Partial<Record<'subtotal' | 'tax' | 'shipping' | 'discount' | 'total', number>> = {};
    let taxRate: string | undefined;
    for (const line of lines.slice(Math.max(0, totalsIndex === -1 ? 0 : totalsIndex))) {
      const t = line.trim();
      const label = TOTAL_LABELS.find(([, re]) => re.test(t));
      if (!label) continue;
      const amounts = amountsIn(t.replace(label[1], ''), exponent);
      if (amounts.length === 0) continue;
      const value = amounts[amounts.length - 1]!;
      const key = label[0] as keyof typeof totals;
      if (key === 'tax') {
        totals.tax = (totals.tax ?? 0) + value;
        const rate = /(\d+(?:[.,]\d+)?)\s*%/.exec(t)?.[1];
        if (rate) taxRate = taxRate ? undefined : rate.replace(',', '.');
      } else if (key === 'discount') totals.discount = Math.abs(value);
      else if (key === 'total') totals.total ??= value;
      else totals[key] ??= value;
    }

    const itemsSum = items.reduce((s, i) => s + i.amount, 0);
    const lineItemsMatch = items.length && totals.subtotal !== undefined ? itemsSum === totals.subtotal : items.length && totals.total !== undefined && totals.subtotal === undefined && totals.tax === undefined ? itemsSum === totals.total : null;
    const base = totals.subtotal ?? (items.length ? itemsSum : undefined);
    const totalsAddUp = totals.total !== undefined && base !== undefined ? base + (totals.tax ?? 0) + (totals.shipping ?? 0) - (totals.discount ?? 0) === totals.total : null;
    if (lineItemsMatch === false) warnings.push(`The line items add up to ${itemsSum}, not the subtotal ${totals.subtotal ?? totals.total}.`);
    if (totalsAddUp === false) warnings.push('Subtotal + tax + shipping − discount is not the total.');
    if (totals.total === undefined) warnings.push('No total found.');
    if (!invoiceNumber) warnings.push('No invoice number found.');

    return {
      ...(invoiceNumber ? { invoice_number: invoiceNumber } : {}),
      ...(issueDate ? { issue_date: issueDate } : {}),
      ...(dueDate ? { due_date: dueDate } : {}),
      ...(terms ? { payment_terms: terms } : {}),
      currency,
      vendor: { name: vendorName, email: emailIn(header), tax_id: taxId },
      bill_to: { name: billLines[0] ?? null, lines: billLines },
      line_items: items,
      ...totals,
      ...(taxRate ? { tax_rate: taxRate } : {}),
      checks: { line_items_match_subtotal: lineItemsMatch, totals_add_up: totalsAddUp, line_amounts_match: lineAmountsMatch },
      warnings,
    };
  },
});
