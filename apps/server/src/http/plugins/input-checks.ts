import type { FastifyInstance } from 'fastify';
import { findTextProblem } from '../../lib/text-hygiene.ts';
import { sendError } from './errors.ts';

const PARTS = ['params', 'querystring', 'body'] as const;

/**
 * Before any schema runs, refuses text the server could not store or hash (U+0000, lone
 * surrogates) anywhere in the path parameters, the query string or the JSON body, naming the
 * field like any other validation error.
 */
export function registerInputChecks(app: FastifyInstance): void {
  app.addHook('preValidation', async (request, reply) => {
    for (const part of PARTS) {
      const value = part === 'params' ? request.params : part === 'querystring' ? request.query : request.body;
      const problem = findTextProblem(value);
      if (problem) {
        const field = problem.path ? `${part}.${problem.path}` : part;
        return sendError(request, reply, 'validation_error', `${field}: ${problem.message}`, { field });
      }
    }
  });
}
