/**
 * The architecture's import rules (docs/architecture.md, "Layering"), checked by `npm run lint`.
 * Every exception is listed here with its reason; there are no others.
 */
const SERVER = '^apps/server/src/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles hide layering mistakes and make start-up order fragile.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment:
        'packages/domain is pure rules: no I/O, no database, no server. It may use zod, jose, canonicalize and node:crypto; ' +
        'node:net only for BlockList and isIP (webhooks/public-address.ts), which parse addresses and open no socket.',
      severity: 'error',
      from: { path: '^packages/domain/src/' },
      to: {
        pathNot: ['^packages/domain/src/', '(^|/)node_modules/(zod|jose|canonicalize)/', '^(crypto|net)$'],
      },
    },
    {
      name: 'db-knows-no-server',
      comment: 'packages/db holds the schema and the drivers; it never imports the server or the domain.',
      severity: 'error',
      from: { path: '^packages/db/src/' },
      to: { path: ['^apps/', '^packages/domain/'] },
    },
    {
      name: 'packages-know-no-server',
      comment: 'The published packages (sandbox, agent SDK, client, MCP, CLI) never import the server: npm pack of one must not carry server code.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-other-modules-repo',
      comment: 'A module reaches another module through its services, never through its repo (its SQL and tables).',
      severity: 'error',
      from: { path: `${SERVER}modules/([^/]+)/` },
      to: { path: `${SERVER}modules/[^/]+/[^/]+\\.repo\\.ts$`, pathNot: `${SERVER}modules/$1/` },
    },
    {
      name: 'repos-only-from-their-module',
      comment: 'Outside the modules (http, worker, seed, cli, bootstrap) everything goes through services too.',
      severity: 'error',
      from: { path: SERVER, pathNot: `${SERVER}modules/` },
      to: { path: `${SERVER}modules/[^/]+/[^/]+\\.repo\\.ts$` },
    },
    {
      name: 'http-only-from-routes',
      comment: 'http/ (app, plugins, route schemas) is imported only by route modules and the app itself; services, schemas and repos know nothing of HTTP.',
      severity: 'error',
      from: { path: SERVER, pathNot: [`${SERVER}http/`, '\\.routes\\.ts$', `${SERVER}main\\.ts$`] },
      to: { path: `${SERVER}http/` },
    },
    {
      name: 'lib-knows-no-module',
      comment: 'lib/ holds generic helpers (ids, logging, pagination, transactions, SQL values); it imports no module, no http and no composition root.',
      severity: 'error',
      from: { path: `${SERVER}lib/` },
      to: { path: [`${SERVER}modules/`, `${SERVER}http/`, `${SERVER}(context|bootstrap|config|main)\\.ts$`, `${SERVER}(seed|worker|cli)/`] },
    },
    {
      name: 'config-knows-no-module',
      comment: 'config.ts only parses the environment; modules read their settings from it, not the reverse.',
      severity: 'error',
      from: { path: `${SERVER}config\\.ts$` },
      to: { path: [`${SERVER}modules/`, `${SERVER}http/`] },
    },
    {
      name: 'rails-are-adapters',
      comment: 'Rail adapters translate wire formats and nothing else: no database, no ledger, no other module.',
      severity: 'error',
      from: { path: `${SERVER}modules/rails/` },
      to: { path: [`${SERVER}modules/(?!rails/)`, '^packages/db/', '(^|/)node_modules/(drizzle-orm|pg|@electric-sql)/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)node_modules/', '^apps/server/(test|test-pg)/', '^packages/[^/]+/test/', '^bench/', '^examples/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
