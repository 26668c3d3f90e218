import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findViolations, tablesTouched } from '../../../scripts/table-ownership.ts';

describe('table ownership', () => {
  it('sees tables reached through the Drizzle schema and through SQL text, not through comments', () => {
    expect(tablesTouched("const { payments, refunds } = schema;")).toEqual(new Set(['payments', 'refunds']));
    expect(tablesTouched("db.select().from(schema.purchaseIntents)")).toEqual(new Set(['purchase_intents']));
    expect(tablesTouched("sql`update mandates set status = 'used' where id = ${id}`")).toEqual(new Set(['mandates']));
    expect(tablesTouched("sql`select 1 from ledger_accounts a join postings p on p.account_id = a.id`")).toEqual(new Set(['ledger_accounts', 'postings']));
    expect(tablesTouched("/** reads from payments */\n// insert into refunds\nconst x = 1;")).toEqual(new Set());
  });

  it('reports a module that touches another module’s table', () => {
    const root = mkdtempSync(join(tmpdir(), 'frameos-layering-'));
    try {
      mkdirSync(join(root, 'apps/server/src/modules/vendors'), { recursive: true });
      writeFileSync(join(root, 'apps/server/src/modules/vendors/vendors.repo.ts'), "const { vendors, payments } = schema;\n");
      expect(findViolations(root)).toEqual([{ file: 'apps/server/src/modules/vendors/vendors.repo.ts', table: 'payments', owner: 'payments' }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('finds none in this repository', () => {
    expect(findViolations(fileURLToPath(new URL('../../../', import.meta.url)))).toEqual([]);
  });
});
