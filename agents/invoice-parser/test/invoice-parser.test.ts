import { describe, expect, it } from 'vitest';
import { useAgent } from '../../test/support.ts';
import { lineMatches, parseMinor } from '../src/money.ts';

const US = `Acme Supplies Ltd
123 Market Street, San Francisco, CA
billing@acme.example
EIN: 12-3456789

INVOICE
Invoice No: INV-2026-001
Invoice Date: 03/05/2026
Terms: Net 30

Bill To:
Globex Corporation
742 Evergreen Terrace
Springfield

Description                 Qty     Unit Price      Amount
Widgets, blue               10      $12.50          $125.00
Consulting (hours)          1.5     $120.00         $180.00
Setup fee                           $75.00          $75.00

Subtotal                                            $380.00
Discount                                            -$30.00
Tax (8.25%)                                         $28.88
Shipping                                            $9.99
Total Due                                           $388.87
`;

const EU = `Rechnung / Invoice
From: Müller GmbH
VAT No: DE123456789
Invoice # R-77
Date: 04.03.2026
Due date: 18 April 2026
Bill to: Dupont SARL

Item | Qty | Price | Total
Beratung | 2 | 1.234,50 € | 2.469,00 €
Reisekosten | 1 | 310,00 € | 310,00 €

Net total 2.779,00 €
VAT 19% 528,01 €
Total 3.307,01 €
`;

describe('agt_invoice_parser', () => {
  const agent = useAgent('invoice-parser');

  it('has a manifest the registry accepts; money parsing is string arithmetic', () => {
    expect(agent.pkg().problems).toEqual([]);
    expect([parseMinor('$1,234.56', 2), parseMinor('1.234,56 €', 2), parseMinor('12,34', 2), parseMinor('1,234', 2), parseMinor('¥1,200', 0), parseMinor('(12.50)', 2), parseMinor('-$0.10', 2), parseMinor('0.105', 2), parseMinor('1,234.565', 2), parseMinor('9.995', 2), parseMinor('1.250', 3), parseMinor('abc', 2)])
      .toEqual([123456, 123456, 1234, 123400, 1200, -1250, -10, 11, 123457, 999500, 1250, null]);
    // 0.1 + 0.2 style errors cannot happen: 1.5 × 12000 = 18000 exactly.
    expect([lineMatches([15, 1], 12000, 18000), lineMatches([3, 0], 333, 1000), lineMatches([3, 0], 333, 999)]).toEqual([true, false, true]);
  });

  it('reads a US invoice: number, dates with Net 30, vendor, bill-to, items, totals in cents, checks', async () => {
    const out = await agent.ok({ text: US });
    expect(out).toEqual({
      invoice_number: 'INV-2026-001',
      issue_date: '2026-03-05',
      due_date: '2026-04-04',
      payment_terms: 'Net 30',
      currency: 'USD',
      vendor: { name: 'Acme Supplies Ltd', email: 'billing@acme.example', tax_id: '12-3456789' },
      bill_to: { name: 'Globex Corporation', lines: ['Globex Corporation', '742 Evergreen Terrace', 'Springfield'] },
      line_items: [
        { description: 'Widgets, blue', quantity: 10, unit_price: 1250, amount: 12500 },
        { description: 'Consulting (hours)', quantity: 1.5, unit_price: 12000, amount: 18000 },
        { description: 'Setup fee', quantity: 1, unit_price: 7500, amount: 7500 },
      ],
      subtotal: 38000,
      discount: 3000,
      tax: 2888,
      tax_rate: '8.25',
      shipping: 999,
      total: 38887,
      checks: { line_items_match_subtotal: true, totals_add_up: true, line_amounts_match: true },
      warnings: [],
    });
  });

  it('reads a European invoice (1.234,50 €, day-first dates, VAT) and flags totals that do not add up', async () => {
    const [eu, wrong, jpy] = await Promise.all([
      agent.ok({ text: EU }),
      agent.ok({ text: US.replace('$388.87', '$400.00') }),
      agent.ok({ text: 'Invoice No: 55\nDescription  Qty  Amount\nTea set  2  ¥4,800\nTotal  ¥4,800' }),
    ]);
    expect(eu).toMatchObject({
      invoice_number: 'R-77', issue_date: '2026-03-04', due_date: '2026-04-18', currency: 'EUR',
      vendor: { name: 'Müller GmbH', tax_id: 'DE123456789' }, bill_to: { name: 'Dupont SARL' },
      line_items: [{ description: 'Beratung', quantity: 2, unit_price: 123450, amount: 246900 }, { description: 'Reisekosten', quantity: 1, unit_price: 31000, amount: 31000 }],
      subtotal: 277900, tax: 52801, tax_rate: '19', total: 330701,
      checks: { line_items_match_subtotal: true, totals_add_up: true, line_amounts_match: true },
    });
    expect(wrong).toMatchObject({ total: 40000, checks: { totals_add_up: false }, warnings: ['Subtotal + tax + shipping − discount is not the total.'] });
    expect(jpy).toMatchObject({ currency: 'JPY', vendor: { name: null }, line_items: [{ quantity: 2, unit_price: 2400, amount: 4800 }], total: 4800, checks: { line_items_match_subtotal: true } });
    expect(await agent.run({ text: 'short' })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.text/) } });
  });
});
