import { isIP } from 'node:net';

/**
 * Whether `host` (lowercase, no brackets, no trailing dot) is in a deployment's allowed hosts: the
 * rule of `ctx.fetch` and `ctx.browser` on the platform and of the agent SDK's local runs.
 * `*.example.com` matches every subdomain (a.example.com, a.b.example.com), not example.com itself,
 * and never an IP address.
 */
export function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const literal = isIP(host.replace(/^\[|\]$/g, '')) !== 0;
  return allowedHosts.some((raw) => {
    const pattern = raw.trim().toLowerCase().replace(/\.$/, '');
    if (pattern.startsWith('*.')) return !literal && host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
    return host === pattern.replace(/^\[|\]$/g, '');
  });
}
