/**
 * Which module owns which table, and the check that a module's code touches only its own tables
 * (docs/architecture.md, "Layering"). dependency-cruiser sees imports; tables are reached through
 * the one Drizzle schema and through SQL text, so this reads both: `const { payments } = schema`
 * (or `schema.payments`) and `from | join | into | update <table>` in a module's files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const TABLE_OWNERS: Readonly<Record<string, string>> = {
  organizations: 'auth', users: 'auth', memberships: 'auth', api_keys: 'auth',
  agent_accounts: 'agent-accounts',
  vendors: 'vendors',
  ledger_accounts: 'ledger', transfers: 'ledger', postings: 'ledger',
  policies: 'policies', policy_versions: 'policies',
  purchase_intents: 'intents',
  mandates: 'mandates',
  payments: 'payments', refunds: 'payments', rail_webhook_events: 'payments',
  receipts: 'receipts', receipt_chains: 'receipts',
  idempotency_keys: 'idempotency',
  signing_keys: 'signing-keys',
  webhook_endpoints: 'webhooks', events: 'webhooks', webhook_deliveries: 'webhooks', webhook_delivery_attempts: 'webhooks',
  integrity_checks: 'integrity',
  rail_accounts: 'rail-accounts',
  developers: 'registry', agents: 'registry', agent_versions: 'registry',
  deployments: 'executions', executions: 'executions', execution_logs: 'executions', execution_charges: 'executions',
  deployment_kv: 'executions', deployment_files: 'executions', scheduled_emails: 'executions',
};

/** The deliberate exceptions, each with its reason (the same list is in docs/architecture.md). */
export const EXCEPTIONS: Readonly<Record<string, { tables: readonly string[]; reason: string }>> = {
  'apps/server/src/modules/payments/execution.repo.ts': {
    tables: ['mandates', 'policies', 'policy_versions', 'ledger_accounts', 'transfers', 'postings', 'receipts', 'receipt_chains', 'vendors'],
    reason: 'the execute hot path locks everything a payment changes in one statement and writes the whole settlement in one (21 → 7 round trips, docs/benchmarks.md)',
  },
  'apps/server/src/modules/intents/intents.repo.ts': {
    tables: ['agent_accounts', 'vendors'],
    reason: 'the intent insert guards its agent account and vendor with EXISTS, and the intent lock reads the agent’s risk tier, each in the same round trip (a hot path)',
  },
  'apps/server/src/modules/spend/spend.repo.ts': {
    tables: ['payments'],
    reason: 'spend is a read model over payments (the daily-limit sum) used by both mandates and payments without a service cycle',
  },
  'apps/server/src/modules/registry/agent-stats.repo.ts': {
    tables: ['deployments', 'executions'],
    reason: 'catalogue stats are a read model over deployments and executions (counts, success rate, median duration); the executions module depends on the registry, so a service call back would be a cycle',
  },
};

/** The Drizzle schema's export name of each table (`purchaseIntents` → `purchase_intents`). */
const camel = (table: string) => table.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Code with comments removed, so prose such as "reads from payments" is not mistaken for SQL. */
function withoutComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** The tables a file touches: through the Drizzle schema, or named in SQL text. */
export function tablesTouched(code: string): Set<string> {
  const text = withoutComments(code);
  const touched = new Set<string>();
  for (const table of Object.keys(TABLE_OWNERS)) {
    const name = camel(table);
    const destructured = [...text.matchAll(/const\s*\{([^}]*)\}\s*=\s*schema\b/g)].some((m) => m[1]!.split(',').some((n) => n.trim() === name));
    const dotted = new RegExp(`\\bschema\\.${name}\\b`).test(text);
    const inSql = new RegExp(`\\b(?:from|join|into|update)\\s+${table}\\b`, 'i').test(text);
    if (destructured || dotted || inSql) touched.add(table);
  }
  return touched;
}

export interface Violation {
  file: string;
  table: string;
  owner: string;
}

export function findViolations(root: string): Violation[] {
  const modulesDir = join(root, 'apps/server/src/modules');
  const violations: Violation[] = [];
  for (const file of readdirSync(modulesDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
    const module = file.split('/')[0]!;
    const path = relative(root, join(modulesDir, file));
    const allowed = new Set(EXCEPTIONS[path]?.tables ?? []);
    for (const table of tablesTouched(readFileSync(join(modulesDir, file), 'utf8'))) {
      const owner = TABLE_OWNERS[table]!;
      if (owner !== module && !allowed.has(table)) violations.push({ file: path, table, owner });
    }
  }
  return violations;
}
