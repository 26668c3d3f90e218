/** Undo steps, run newest first; each one runs even when an earlier one fails. */
export class Cleanup {
  private readonly steps: Array<{ what: string; undo: () => Promise<unknown> }> = [];

  add(what: string, undo: () => Promise<unknown>): void {
    this.steps.push({ what, undo });
  }

  async run(): Promise<void> {
    const steps = this.steps.splice(0).reverse();
    for (const step of steps) {
      try {
        await step.undo();
      } catch (err) {
        console.error(`cleanup: could not ${step.what}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

export function log(message: string): void {
  console.log(`[bench] ${message}`);
}

/** Runs a benchmark's main: exit code 0 for a valid run, 1 for an invalid one or a failure. */
export function runBenchmark(main: () => Promise<boolean>): void {
  main().then(
    (valid) => {
      process.exitCode = valid ? 0 : 1;
    },
    (err: unknown) => {
      console.error(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exitCode = 1;
    },
  );
}
