import { describe, expect, it } from 'vitest';
import { ipAllowed, isValidCidr } from '../src/index.ts';

describe('ipAllowed', () => {
  describe('IPv4', () => {
    it('admits an address inside a /8 and refuses the first address past it', () => {
      expect(ipAllowed('10.255.255.255', ['10.0.0.0/8'])).toBe(true);
      expect(ipAllowed('11.0.0.0', ['10.0.0.0/8'])).toBe(false);
      expect(ipAllowed('9.255.255.255', ['10.0.0.0/8'])).toBe(false);
    });

    it('treats /32 and a bare address as exactly that address', () => {
      for (const entry of ['203.0.113.7/32', '203.0.113.7']) {
        expect(ipAllowed('203.0.113.7', [entry])).toBe(true);
        expect(ipAllowed('203.0.113.8', [entry])).toBe(false);
        expect(ipAllowed('203.0.113.6', [entry])).toBe(false);
      }
    });

    it('admits every IPv4 address with /0', () => {
      expect(ipAllowed('0.0.0.0', ['0.0.0.0/0'])).toBe(true);
      expect(ipAllowed('255.255.255.255', ['0.0.0.0/0'])).toBe(true);
    });

    it('checks every entry in the list', () => {
      const list = ['192.168.1.0/24', '172.16.0.0/12'];
      expect(ipAllowed('172.31.255.1', list)).toBe(true);
      expect(ipAllowed('172.32.0.1', list)).toBe(false);
    });

    it('masks host bits in an entry such as 10.1.2.3/8', () => {
      expect(ipAllowed('10.200.0.1', ['10.1.2.3/8'])).toBe(true);
    });
  });

  describe('IPv6', () => {
    it('admits an address inside a /32 and refuses one just outside', () => {
      expect(ipAllowed('2001:db8:ffff::1', ['2001:db8::/32'])).toBe(true);
      expect(ipAllowed('2001:db9::1', ['2001:db8::/32'])).toBe(false);
    });

    it('treats /128 and a bare address as exactly that address, in any spelling', () => {
      for (const entry of ['2001:db8::1/128', '2001:db8::1']) {
        expect(ipAllowed('2001:0DB8:0000:0000:0000:0000:0000:0001', [entry])).toBe(true);
        expect(ipAllowed('2001:db8::2', [entry])).toBe(false);
      }
    });

    it('admits every IPv6 address with ::/0', () => {
      expect(ipAllowed('::1', ['::/0'])).toBe(true);
      expect(ipAllowed('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', ['::/0'])).toBe(true);
    });

    it('does not let an IPv4 rule admit an IPv6 address', () => {
      expect(ipAllowed('2001:db8::1', ['0.0.0.0/0'])).toBe(false);
    });

    it('refuses an address with a zone id', () => {
      expect(ipAllowed('fe80::1%eth0', ['fe80::/10'])).toBe(false);
    });
  });

  describe('IPv4-mapped IPv6 addresses', () => {
    it('checks ::ffff:10.1.2.3 against IPv4 rules as 10.1.2.3', () => {
      expect(ipAllowed('::ffff:10.1.2.3', ['10.0.0.0/8'])).toBe(true);
      expect(ipAllowed('::ffff:11.1.2.3', ['10.0.0.0/8'])).toBe(false);
      expect(ipAllowed('::ffff:10.1.2.3', ['10.1.2.3'])).toBe(true);
    });

    it('understands the hexadecimal and uppercase spellings', () => {
      expect(ipAllowed('::ffff:a01:203', ['10.1.2.3/32'])).toBe(true);
      expect(ipAllowed('::FFFF:10.1.2.3', ['10.1.2.3/32'])).toBe(true);
      expect(ipAllowed('0:0:0:0:0:ffff:0a01:0203', ['10.1.2.3/32'])).toBe(true);
    });

    it('treats a mapped entry as the IPv4 address or network it maps', () => {
      expect(ipAllowed('10.1.2.3', ['::ffff:10.1.2.3'])).toBe(true);
      expect(ipAllowed('10.9.9.9', ['::ffff:10.0.0.0/104'])).toBe(true);
      expect(ipAllowed('11.0.0.0', ['::ffff:10.0.0.0/104'])).toBe(false);
      expect(ipAllowed('203.0.113.9', ['::ffff:0:0/96'])).toBe(true);
    });

    it('lets an IPv6 range that contains the mapped block (such as ::/0) admit IPv4 clients', () => {
      expect(ipAllowed('203.0.113.9', ['::/0'])).toBe(true);
      expect(ipAllowed('203.0.113.9', ['2001:db8::/32'])).toBe(false);
    });
  });

  describe('invalid input', () => {
    it.each(['', 'not-an-ip', '10.0.0', '256.0.0.1', '10.0.0.1/32', ' 10.0.0.1'])('refuses the address %j', (ip) => {
      expect(ipAllowed(ip, ['0.0.0.0/0', '::/0'])).toBe(false);
    });

    it('refuses everything with an empty list', () => {
      expect(ipAllowed('10.0.0.1', [])).toBe(false);
    });

    it('skips a malformed entry without widening or breaking the rest', () => {
      expect(ipAllowed('10.0.0.1', ['garbage', '10.0.0.0/33', '10.0.0.1'])).toBe(true);
      expect(ipAllowed('10.0.0.2', ['garbage', '10.0.0.0/33', '10.0.0.1'])).toBe(false);
    });
  });
});

describe('isValidCidr', () => {
  it.each([
    '10.0.0.0/8',
    '0.0.0.0/0',
    '10.0.0.1/32',
    '10.0.0.1',
    '::/0',
    '2001:db8::/32',
    '2001:db8::1/128',
    '::1',
    '::ffff:10.0.0.0/104',
    '::ffff:0:0/80',
  ])('accepts %s', (cidr) => {
    expect(isValidCidr(cidr)).toBe(true);
  });

  it.each([
    '10.0.0.0/33',
    '2001:db8::/129',
    '10.0.0.0/-1',
    '10.0.0.0/08',
    '10.0.0.0/8/8',
    '10.0.0.0/',
    '10.0.0.0/a',
    '/8',
    '010.0.0.1',
    'fe80::1%eth0',
    'example.com',
    '',
  ])('refuses %j', (cidr) => {
    expect(isValidCidr(cidr)).toBe(false);
  });
});
