import { describe, expect, it } from 'vitest';
import { useAgent } from '../../test/support.ts';

interface Finding {
  rule: string;
  severity: string;
  file: string;
  line: number;
  message: string;
  snippet: string;
}

// Built from parts so that secret scanners do not flag this file.
const AWS_KEY = ['AK', 'IA', 'ABCDEFGHIJKLMNOP'].join('');
const STRIPE_KEY = ['sk', 'live', 'a1B2c3D4e5F6g7H8i9J0'].join('_');
const longBody = Array.from({ length: 70 }, (_, i) => `+  total += ${i};`).join('\n');

const DIFF = `diff --git a/src/payments.ts b/src/payments.ts
index 1111111..2222222 100644
--- a/src/payments.ts
+++ b/src/payments.ts
@@ -10,6 +10,14 @@ export class Payments {
   constructor(private db: Db) {}
 
+  async charge(amount: number) {
+    console.log('charging', amount);
+    // TODO: idempotency keys
+    const stripeKey = '${STRIPE_KEY}';
+    await this.db.query("SELECT * FROM accounts WHERE id = " + amount);
+    debugger;
+    return eval('amount * 2');
+  }
   refund() {
     return null;
   }
diff --git a/src/config.ts b/src/config.ts
new file mode 100644
--- /dev/null
+++ b/src/config.ts
@@ -0,0 +1,78 @@
+// @ts-ignore
+export const awsKey = '${AWS_KEY}';
+export const password = 'changeme';
+export const apiKey = process.env.API_KEY;
+export function sum(): number {
+  let total = 0;
${longBody}
+  return total;
+}
diff --git a/README.md b/README.md
deleted file mode 100644
--- a/README.md
+++ /dev/null
@@ -1,2 +0,0 @@
-# Old
-readme
`;

// Built from parts so that this file itself holds no focused test for the suite's own checks to find.
const FOCUSED = ['it', 'only'].join('.');

const CLEAN = `diff --git a/src/math.ts b/src/math.ts
--- a/src/math.ts
+++ b/src/math.ts
@@ -1,3 +1,4 @@
 export const add = (a: number, b: number) => a + b;
+export const sub = (a: number, b: number) => a - b;
diff --git a/test/math.test.ts b/test/math.test.ts
--- a/test/math.test.ts
+++ b/test/math.test.ts
@@ -1,2 +1,5 @@
 import { add } from '../src/math';
+${FOCUSED}('subtracts', () => {
+  console.log('fine in tests');
+});
`;

describe('agt_code_review', () => {
  const agent = useAgent('code-review');

  it('has a manifest the registry accepts', () => {
    expect(agent.pkg().problems).toEqual([]);
    expect(agent.pkg().manifest.metadata.category).toBe('devops');
  });

  it('finds debugging, TODOs, secrets (masked), SQL concatenation, eval, suppressions, a long function and missing tests, with lines', async () => {
    const out = await agent.ok({ diff: DIFF });
    const findings = out.findings as Finding[];
    const at = (rule: string) => findings.filter((f) => f.rule === rule).map((f) => `${f.file}:${f.line}`);
    expect(at('console_log')).toEqual(['src/payments.ts:13']);
    expect(at('todo')).toEqual(['src/payments.ts:14']);
    expect(at('secret')).toEqual(['src/config.ts:2', 'src/payments.ts:15']);
    expect(at('sql_concatenation')).toEqual(['src/payments.ts:16']);
    expect(at('debugger')).toEqual(['src/payments.ts:17']);
    expect(at('eval')).toEqual(['src/payments.ts:18']);
    expect(at('type_suppression')).toEqual(['src/config.ts:1']);
    expect(at('long_function')).toEqual(['src/config.ts:5']);
    expect(at('missing_tests')).toEqual(['src/payments.ts:0']);
    // Placeholders and environment lookups are not secrets; the secret itself never comes back.
    expect(findings.some((f) => f.snippet.includes('changeme'))).toBe(false);
    expect(JSON.stringify(out)).not.toContain(STRIPE_KEY);
    expect(JSON.stringify(out)).not.toContain(AWS_KEY);
    expect(findings.find((f) => f.rule === 'secret' && f.file === 'src/payments.ts')!.message).toBe('possible Stripe live key committed');
    expect(out).toMatchObject({
      verdict: 'request_changes',
      files: [
        { path: 'src/payments.ts', status: 'modified', additions: 8, deletions: 0, is_test: false },
        { path: 'src/config.ts', status: 'added', additions: 78, deletions: 0, is_test: false },
        { path: 'README.md', status: 'deleted', additions: 0, deletions: 2, is_test: false },
      ],
      summary: { files_changed: 3, additions: 86, deletions: 2, errors: 4, warnings: 5, infos: 1 },
    });
    expect(out.score).toBe(100 - 60 - 25 - 1);
    expect(out.review).toMatch(/^\*\*Changes requested\*\*: 3 files, \+86 −2; 4 errors, 5 warnings, 1 note\./);
    expect(findings[0]!.severity).toBe('error');
  });

  it('a tested change: only the focused test is flagged; rules can be disabled; a non-diff is refused', async () => {
    const out = await agent.ok({ diff: CLEAN });
    expect((out.findings as Finding[]).map((f) => [f.rule, f.file, f.line])).toEqual([['focused_test', 'test/math.test.ts', 2]]);
    expect(await agent.ok({ diff: CLEAN, disabled_rules: ['focused_test'] })).toMatchObject({ verdict: 'approve', score: 100, findings: [] });
    expect(await agent.run({ diff: 'just some text' })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/not a unified diff/) } });
    expect(await agent.run({ diff: CLEAN, disabled_rules: ['nope'] })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.disabled_rules/) } });
  });
});
