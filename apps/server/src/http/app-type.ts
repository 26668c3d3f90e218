import type { FastifyInstance } from 'fastify';

/** The Fastify instance route modules register on (its own file, so routes do not import the app that imports them). */
export type App = FastifyInstance;
