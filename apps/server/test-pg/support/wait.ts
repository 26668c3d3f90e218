/** Polls `probe` until it returns something other than null; the error names what never happened and, if given, `context()`. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | null> | T | null, options: { timeoutMs?: number; everyMs?: number; context?: () => string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, options.everyMs ?? 50));
  }
  throw new Error(`timed out waiting for ${what}${options.context ? `\n${options.context()}` : ''}`);
}
