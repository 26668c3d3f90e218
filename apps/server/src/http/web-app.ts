import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.ts';

/** The web app's pages live under their own prefix: the API owns every other path (/agents, /payments, …). */
export const WEB_APP_PREFIX = '/app';

/** Vite names every built asset after its content hash, so a browser may keep it for good. */
const HASHED_ASSET_CACHE = 'public, max-age=31536000, immutable';

/**
 * The app's own scripts only (Vite emits no inline script); inline styles are allowed because Radix's
 * scroll lock injects a <style> element while a dialog is open. No upgrade-insecure-requests: the
 * development server is plain http on any host name, and a TLS front sets HSTS.
 */
const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>FrameOS: web app not built</title></head>
<body><main><h1>The FrameOS web app is not built</h1>
<p><code>npm start</code> builds it before starting the server; to build it by hand run <code>npm run build:web</code>.
The API is unaffected: see <a href="/docs">/docs</a>.</p></main></body></html>
`;

/**
 * GET / redirects to the app; /app/… serves a file of the build when there is one, a missing hashed
 * asset is a 404, and every other path is a page of the app, so it gets index.html and the client
 * router draws it (a refresh or a shared link on any page works).
 */
export async function registerWebApp(app: FastifyInstance, appCtx: AppContext): Promise<void> {
  const root = resolve(appCtx.config.webDistDir);
  const built = existsSync(resolve(root, 'index.html'));
  const routeOptions = { config: { public: true }, schema: { hide: true } } as const;

  app.get('/', routeOptions, async (_request, reply) => reply.redirect(`${WEB_APP_PREFIX}/`, 302));

  await app.register(async (scope) => {
    if (built) {
      await scope.register(fastifyStatic, {
        root,
        serve: false,
        cacheControl: false,
        // The build writes .br and .gz copies (scripts/ensure-web-build.ts); sent to browsers that accept them.
        preCompressed: true,
      });
    }
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', WEB_APP_CSP);
      return payload;
    });

    const answer = async (path: string, reply: FastifyReply) => {
      if (!built) return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
      const file = resolve(root, path);
      if (path !== '' && file.startsWith(root + sep) && (await isFile(file))) {
        return reply.header('cache-control', path.startsWith('assets/') ? HASHED_ASSET_CACHE : 'no-cache').sendFile(path);
      }
      // A hashed asset that is not there is an old build's: index.html in its place would only confuse the browser.
      if (path.startsWith('assets/')) return reply.callNotFound();
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    };
    scope.get(WEB_APP_PREFIX, routeOptions, async (_request, reply) => answer('', reply));
    scope.get(`${WEB_APP_PREFIX}/*`, routeOptions, async (request, reply) => answer((request.params as { '*': string })['*'], reply));
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
