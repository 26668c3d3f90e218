import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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

/**
 * Where a first load usually lands (a shared link, a bookmark, the bench's pages): a path under /app/
 * and the page modules src/routes.tsx lazy-loads for it (keys of Vite's manifest). The index.html sent
 * for such a path modulepreloads those chunks, so they download alongside the entry script instead of
 * after it has run and the router has matched (one round trip less before the page draws). Any other
 * path gets the plain index.html; a module missing from the manifest is skipped.
 */
export const FIRST_LOAD_PAGES: readonly { path: RegExp; modules: readonly string[] }[] = [
  { path: /^$/, modules: ['src/pages/home.tsx'] },
  { path: /^login$/, modules: ['src/pages/login.tsx'] },
  { path: /^signup$/, modules: ['src/pages/signup.tsx'] },
  { path: /^marketplace$/, modules: ['src/pages/agent-list.tsx'] },
  { path: /^marketplace\/[^/]+$/, modules: ['src/pages/agent-detail.tsx'] },
  { path: /^dashboard$/, modules: ['src/pages/dashboard/shell.tsx', 'src/pages/dashboard.tsx'] },
];

type Manifest = Record<string, { file: string; imports?: string[]; isEntry?: boolean }>;
type Encoding = 'br' | 'gzip' | 'identity';
/** One page's index.html in each encoding, compressed once per build as the build's own files are. */
type IndexPage = Record<Encoding, { body: Buffer; etag: string }>;

function indexPage(html: string): IndexPage {
  const identity = Buffer.from(html);
  const hash = createHash('sha256').update(identity).digest('base64url').slice(0, 27);
  return {
    identity: { body: identity, etag: `"${hash}"` },
    br: { body: brotliCompressSync(identity, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }), etag: `"${hash}-br"` },
    gzip: { body: gzipSync(identity, { level: 9 }), etag: `"${hash}-gz"` },
  };
}

/** Brotli, else gzip, when the request's Accept-Encoding allows it (q=0 refuses). */
export function acceptedEncoding(header: string | undefined): Encoding {
  const quality = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.split(';').map((piece) => piece.trim());
    const q = params.find((param) => param.startsWith('q='));
    quality.set(name.toLowerCase(), q ? Number(q.slice(2)) : 1);
  }
  if ((quality.get('br') ?? 0) > 0) return 'br';
  if ((quality.get('gzip') ?? 0) > 0) return 'gzip';
  return 'identity';
}

/**
 * index.html with modulepreload links for each of FIRST_LOAD_PAGES, read again when a new build
 * replaces index.html or the manifest (a dev rebuild while the server runs). Empty when there is no
 * manifest: every path then gets the plain file.
 */
function firstLoadPages(root: string): (path: string) => Promise<IndexPage | undefined> {
  let cached: { key: string; pages: Promise<(IndexPage | undefined)[]> } | undefined;
  const build = async (): Promise<(IndexPage | undefined)[]> => {
    const [index, manifest] = await Promise.all([
      readFile(resolve(root, 'index.html'), 'utf8'),
      readFile(resolve(root, '.vite', 'manifest.json'), 'utf8').then((text) => JSON.parse(text) as Manifest, () => undefined),
    ]);
    if (!manifest) return [];
    return FIRST_LOAD_PAGES.map(({ modules }) => {
      const files: string[] = [];
      const visit = (key: string) => {
        const chunk = manifest[key];
        // The entry and what index.html already loads need no second link.
        if (!chunk || chunk.isEntry || files.includes(chunk.file) || index.includes(`/${chunk.file}"`)) return;
        files.push(chunk.file);
        for (const imported of chunk.imports ?? []) visit(imported);
      };
      for (const module of modules) visit(module);
      if (files.length === 0 || !index.includes('</head>')) return undefined;
      // Low priority: the entry script and the stylesheet come first; these only need to be there when the router asks.
      const links = files.map((file) => `<link rel="modulepreload" crossorigin fetchpriority="low" href="${WEB_APP_PREFIX}/${file}">`).join('\n    ');
      return indexPage(index.replace('</head>', `  ${links}\n  </head>`));
    });
  };
  return async (path) => {
    const page = FIRST_LOAD_PAGES.findIndex((p) => p.path.test(path.replace(/\/+$/, '')));
    if (page < 0) return undefined;
    const mtimes = await Promise.all(['index.html', '.vite/manifest.json'].map((file) => stat(resolve(root, file)).then((s) => s.mtimeMs, () => 0)));
    const key = mtimes.join(':');
    if (cached?.key !== key) cached = { key, pages: build() };
    try {
      return (await cached.pages)[page];
    } catch {
      cached = undefined;
      return undefined;
    }
  };
}

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
  const firstLoadPage = firstLoadPages(root);

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

    const answer = async (path: string, request: FastifyRequest, reply: FastifyReply) => {
      if (!built) return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
      const file = resolve(root, path);
      // Dot directories (.vite/manifest.json) are the build's bookkeeping, not the app's files.
      const hidden = path.split('/').some((segment) => segment.startsWith('.'));
      if (path !== '' && !hidden && file.startsWith(root + sep) && (await isFile(file))) {
        return reply.header('cache-control', path.startsWith('assets/') ? HASHED_ASSET_CACHE : 'no-cache').sendFile(path);
      }
      // A hashed asset that is not there is an old build's: index.html in its place would only confuse the browser.
      if (path.startsWith('assets/')) return reply.callNotFound();
      reply.header('cache-control', 'no-cache');
      const page = await firstLoadPage(path);
      if (!page) return reply.sendFile('index.html');
      const encoding = acceptedEncoding(request.headers['accept-encoding']);
      const { body, etag } = page[encoding];
      reply.header('vary', 'accept-encoding').header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      if (encoding !== 'identity') reply.header('content-encoding', encoding);
      return reply.type('text/html; charset=utf-8').send(body);
    };
    scope.get(WEB_APP_PREFIX, routeOptions, async (request, reply) => answer('', request, reply));
    scope.get(`${WEB_APP_PREFIX}/*`, routeOptions, async (request, reply) => answer((request.params as { '*': string })['*'], request, reply));
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
