import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/lib/logger.ts';
import { loadConfig } from '../src/config.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } });
  return { lines, stream };
}

describe('log format', () => {
  it('writes JSON lines by default, with secrets redacted', () => {
    const { lines, stream } = capture();
    createLogger('info', stream).info({ user: { password: 'hunter2hunter2' }, event_id: 'evt_1' }, 'webhook handled');
    const line = JSON.parse(lines.join('')) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'webhook handled', event_id: 'evt_1', user: { password: '[redacted]' } });
  });

  it('writes human-readable lines when pretty, redacted the same way', () => {
    const { lines, stream } = capture();
    createLogger('info', stream, { pretty: true }).info({ user: { password: 'hunter2hunter2' }, event_id: 'evt_1' }, 'webhook handled');
    const text = lines.join('');
    expect(text).toMatch(/INFO.*webhook handled/);
    expect(text).toContain('evt_1');
    expect(text).not.toContain('hunter2hunter2');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('reads LOG_FORMAT (auto by default) and refuses other values', () => {
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'memory://' }).logFormat).toBe('auto');
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'memory://', LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'memory://', LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });
});
