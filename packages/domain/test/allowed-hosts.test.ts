import { describe, expect, it } from 'vitest';
import { hostAllowed } from '../src/index.ts';

describe('hostAllowed', () => {
  it('matches an exact host, whatever the case or trailing dot of the pattern', () => {
    expect(hostAllowed('api.example.com', ['API.Example.com.'])).toBe(true);
    expect(hostAllowed('api.example.com', [' api.example.com '])).toBe(true);
    expect(hostAllowed('api.example.com', ['example.com'])).toBe(false);
    expect(hostAllowed('evil-api.example.com', ['api.example.com'])).toBe(false);
  });

  it('matches every subdomain of a wildcard, never the apex or a look-alike', () => {
    expect(hostAllowed('a.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('a.b.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('example.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('badexample.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('.example.com', ['*.example.com'])).toBe(false);
  });

  it('never lets a wildcard match an IP address, but an IP can be listed exactly', () => {
    expect(hostAllowed('10.0.0.1', ['*.0.0.1'])).toBe(false);
    expect(hostAllowed('93.184.216.34', ['93.184.216.34'])).toBe(true);
    expect(hostAllowed('::1', ['[::1]'])).toBe(true);
    expect(hostAllowed('[::1]', ['*.1'])).toBe(false);
  });

  it('allows nothing with an empty list', () => {
    expect(hostAllowed('example.com', [])).toBe(false);
  });
});
