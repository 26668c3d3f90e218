import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SHA256_HEX, type BlobStore } from './blob-store.ts';

/**
 * Blobs as files `<root>/ab/cdef…` (the first two hex digits of the SHA-256 as a directory, so no
 * directory grows past 1/256 of the blobs). A blob is written to a temporary file in its directory,
 * flushed, then renamed into place: a crash leaves at most a stray `.tmp` file, never a half blob under
 * a digest. Reads check the digest, so a blob damaged on disk is an error, not wrong code to run.
 */
export function createLocalBlobStore(root: string): BlobStore {
  const pathOf = (sha256: string) => {
    if (!SHA256_HEX.test(sha256)) throw new TypeError('a blob is named by its lowercase hex SHA-256');
    return { dir: join(root, sha256.slice(0, 2)), file: join(root, sha256.slice(0, 2), sha256.slice(2)) };
  };

  const exists = async (file: string) => {
    try {
      return (await stat(file)).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  };

  return {
    async put(bytes) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const { dir, file } = pathOf(sha256);
      if (await exists(file)) return { sha256, size: bytes.length };
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `.${sha256.slice(2)}.${randomBytes(6).toString('hex')}.tmp`);
      const handle = await open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(tmp, file);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      return { sha256, size: bytes.length };
    },

    async get(sha256) {
      if (!SHA256_HEX.test(sha256)) return null;
      let bytes: Buffer;
      try {
        bytes = await readFile(pathOf(sha256).file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
      if (createHash('sha256').update(bytes).digest('hex') !== sha256) throw new Error(`blob ${sha256} is damaged on disk: its content does not match its digest`);
      return bytes;
    },

    async has(sha256) {
      return SHA256_HEX.test(sha256) && exists(pathOf(sha256).file);
    },

    async delete(sha256) {
      if (!SHA256_HEX.test(sha256)) return;
      await rm(pathOf(sha256).file, { force: true });
    },
  };
}
