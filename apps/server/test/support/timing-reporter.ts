import type { Reporter, TestModule, Vitest } from 'vitest/node';

/**
 * Prints, after the default reporter, each test file's wall time in its worker, slowest first:
 * import (loading the file and what it imports, running its describe blocks) and tests (every test
 * and hook, database and app start-up included), then the run's total, against `budgetSeconds`
 * when the config gives one: `reporters: ['default', ['./…/timing-reporter.ts', { budgetSeconds: 120 }]]`.
 */
export default class TimingReporter implements Reporter {
  private vitest: Vitest | undefined;
  private startedAt = performance.now();
  private readonly budgetSeconds: number | undefined;

  constructor(options: { budgetSeconds?: number } = {}) {
    this.budgetSeconds = options.budgetSeconds;
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunStart(): void {
    this.startedAt = performance.now();
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (testModules.length === 0) return;
    const rows = testModules
      .map((m) => {
        const d = m.diagnostic();
        const setup = d.environmentSetupDuration + d.prepareDuration + d.setupDuration;
        return { file: m.relativeModuleId, wall: setup + d.collectDuration + d.duration, importMs: setup + d.collectDuration, tests: d.duration, count: [...m.children.allTests()].length };
      })
      .sort((a, b) => b.wall - a.wall);
    const runMs = performance.now() - this.startedAt;
    const fileMs = rows.reduce((sum, r) => sum + r.wall, 0);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`.padStart(7);
    const lines = [
      '',
      'Time per test file, slowest first (wall = import + tests and hooks, in its worker; n = number of tests):',
      `${'wall'.padStart(7)} ${'import'.padStart(7)} ${'tests'.padStart(7)}  ${'n'.padStart(5)}  file`,
    ];
    for (const r of rows) lines.push(`${s(r.wall)} ${s(r.importMs)} ${s(r.tests)}  ${String(r.count).padStart(5)}  ${r.file}`);
    const workers = this.vitest?.config.maxWorkers;
    const budget = this.budgetSeconds ? ` (budget ${this.budgetSeconds}s for the whole run, docs/testing.md)` : '';
    lines.push(`${rows.length} files, ${s(fileMs).trim()} of file time${workers ? ` on ${workers} worker${workers === 1 ? '' : 's'}` : ''}; run ${s(runMs).trim()}${budget}`, '');
    const out = lines.join('\n');
    if (this.vitest) this.vitest.logger.log(out);
    else console.log(out);
  }
}
