import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/** Below this many bytes an answer goes as it is: the encoding costs more than it saves. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * Answers (the API's JSON, /openapi.json, the docs UI) compressed with Brotli or gzip when the client
 * asks for it in Accept-Encoding and the body is at least 1 kB; without the header nothing changes.
 *
 * - The plugin compresses in a route-level onSend hook, and Fastify runs those after the app-level
 *   ones: the idempotency hook stores an error answer's JSON text before it is compressed, and a replay
 *   sends those stored bytes through the same step, so the decoded body of a replay is byte-identical
 *   to the first answer's whatever each request accepted.
 * - Already-encoded answers pass through (the web app's precompressed files and index pages); partial
 *   content and text/event-stream are never compressed; POST /mcp writes to the socket itself.
 * - Request bodies are never decompressed (no Content-Encoding on requests): webhook signatures are
 *   checked on the bytes as sent, and a small compressed body must not grow past the body limit.
 * - Bearer tokens, not cookies, authenticate every call, so another site cannot make a browser send
 *   authenticated requests whose compressed sizes it could watch (the BREACH setting).
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: COMPRESSION_THRESHOLD_BYTES,
    globalDecompression: false,
  });
}
