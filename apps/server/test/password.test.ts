import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_N, dummyPasswordHash, hashPassword, verifyPassword } from '../src/modules/auth/password.ts';

describe('password hashing', () => {
  it('hashes with scrypt N = 2^15, r = 8, p = 1 by default and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(DEFAULT_SCRYPT_N).toBe(32768);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
  });

  it('verifies a hash made under another N with that N, and salts every hash', async () => {
    const low = await hashPassword('pw-1234567', 1024);
    expect(low.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('pw-1234567', low)).toBe(true);
    expect(await hashPassword('pw-1234567', 1024)).not.toBe(low);
  });

  it('has a dummy hash of the same cost that no password matches', async () => {
    expect(dummyPasswordHash(1024).startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(dummyPasswordHash().startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('', dummyPasswordHash(1024))).toBe(false);
    expect(await verifyPassword('anything', 'bcrypt$whatever')).toBe(false);
  });
});
