/**
 * Where agent artifacts (and later deployment files) live: content-addressed by the SHA-256 of their
 * bytes, so storing the same bytes twice is one blob and a retried upload is harmless. The default is
 * the local disk under the data dir (`local-blob-store.ts`); an S3-compatible store can implement the
 * same interface (key = the hex digest) without changing a caller.
 */
export interface BlobStore {
  /** Stores `bytes` (no-op when a blob with the same digest exists); its lowercase hex SHA-256 and size. */
  put(bytes: Buffer): Promise<{ sha256: string; size: number }>;
  /** The blob's bytes, or null when there is none with this digest. */
  get(sha256: string): Promise<Buffer | null>;
  has(sha256: string): Promise<boolean>;
  /** Removes the blob (nothing when absent). Optional: an append-only store may not offer it. */
  delete?(sha256: string): Promise<void>;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
