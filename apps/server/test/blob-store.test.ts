import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlobStore } from '../src/modules/blobs/local-blob-store.ts';

describe('local blob store', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'frameos-blobs-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores content-addressed under ab/cdef…, idempotently, and reads back', async () => {
    const store = createLocalBlobStore(root);
    const bytes = Buffer.from('export default async () => ({})');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(await store.has(sha256)).toBe(false);
    expect(await store.get(sha256)).toBeNull();
    expect(await store.put(bytes)).toEqual({ sha256, size: bytes.length });
    expect(await store.put(Buffer.from(bytes))).toEqual({ sha256, size: bytes.length });
    expect(await readdir(join(root, sha256.slice(0, 2)))).toEqual([sha256.slice(2)]);
    expect(await store.has(sha256)).toBe(true);
    expect((await store.get(sha256))?.equals(bytes)).toBe(true);
    await store.delete!(sha256);
    expect(await store.has(sha256)).toBe(false);
    await store.delete!(sha256);
  });

  it('refuses names that are not a digest and a blob damaged on disk', async () => {
    const store = createLocalBlobStore(root);
    expect(await store.get('../../etc/passwd')).toBeNull();
    expect(await store.has('ABC')).toBe(false);
    const { sha256 } = await store.put(Buffer.from('original'));
    await writeFile(join(root, sha256.slice(0, 2), sha256.slice(2)), 'tampered');
    await expect(store.get(sha256)).rejects.toThrow(/damaged/);
  });

  it('stores an empty blob', async () => {
    const store = createLocalBlobStore(root);
    const { sha256, size } = await store.put(Buffer.alloc(0));
    expect(size).toBe(0);
    expect((await store.get(sha256))?.length).toBe(0);
  });
});
