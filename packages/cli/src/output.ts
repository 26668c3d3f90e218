import Table from 'cli-table3';
import pc from 'picocolors';

/**
 * How a command talks: human text (tables, colours only on a TTY and never with NO_COLOR) or, with
 * --json, exactly one JSON document on stdout. Errors go to stderr in human mode and as
 * `{"error":{"code","message"}}` on stdout in JSON mode, with a non-zero exit code either way.
 */
export interface Output {
  readonly json: boolean;
  readonly interactive: boolean;
  readonly colors: ReturnType<typeof pc.createColors>;
  /** Human mode only: a line on stdout. */
  line(text?: string): void;
  /** Human mode only: a note on stderr (progress, hints), so stdout stays the result. */
  note(text: string): void;
  /** The command's result: JSON in --json mode, else `human()` is printed. */
  result(value: unknown, human: () => void): void;
  table(head: string[], rows: (string | number)[][]): void;
}

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** Exit codes: 0 done; 1 failed (an API refusal, a failed run, invalid agent); 2 wrong usage; 3 waiting for a person (approval). */
export const EXIT = { ok: 0, failed: 1, usage: 2, approval: 3 } as const;

export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = EXIT.failed,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function createOutput(json: boolean, streams: OutputStreams): Output {
  const tty = streams.stdout.isTTY === true;
  const colored = tty && !('NO_COLOR' in streams.env && streams.env.NO_COLOR !== '') && streams.env.TERM !== 'dumb';
  const colors = pc.createColors(colored);
  return {
    json,
    interactive: tty && streams.stderr.isTTY === true && !json,
    colors,
    line(text = '') {
      if (!json) streams.stdout.write(`${text}\n`);
    },
    note(text) {
      if (!json) streams.stderr.write(`${text}\n`);
    },
    result(value, human) {
      if (json) streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else human();
    },
    table(head, rows) {
      if (json) return;
      const table = new Table({ head: head.map((h) => colors.bold(h)), style: { head: [], border: [] } });
      for (const row of rows) table.push(row.map(String));
      streams.stdout.write(`${table.toString()}\n`);
    },
  };
}

export function printError(out: Output, streams: OutputStreams, err: CliError): void {
  if (out.json) {
    streams.stdout.write(`${JSON.stringify({ error: { code: err.code, message: err.message, ...(err.details ?? {}) } }, null, 2)}\n`);
  } else {
    streams.stderr.write(`${out.colors.red('error')} ${err.message}${err.code ? out.colors.dim(` (${err.code})`) : ''}\n`);
  }
}
