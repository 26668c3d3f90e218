import { fileURLToPath } from 'node:url';
import { findViolations } from './table-ownership.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const violations = findViolations(root);
for (const v of violations) console.error(`  error table-ownership: ${v.file} touches ${v.table}, a table of module ${v.owner} (go through its service)`);
if (violations.length > 0) {
  console.error(`\nx ${violations.length} table-ownership violation(s); exceptions are listed with their reasons in scripts/table-ownership.ts`);
  process.exit(1);
}
console.log('✔ every module touches only its own tables (or a listed exception)');
