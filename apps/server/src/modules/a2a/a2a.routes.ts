import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { A2A_PROTOCOL_VERSION, A2A_VERSION_HEADER } from '@a2a-js/sdk';
import { A2A_ERROR_CODE } from '@a2a-js/sdk/errors';
import { DomainError } from '@frameos/domain';
import type { App } from '../../http/app-type.ts';
import type { AppContext } from '../../context.ts';
import { errorResponses } from '../../http/common-schemas.ts';
import { findTextProblem, jsonNestsDeeperThan, MAX_JSON_DEPTH } from '../../lib/text-hygiene.ts';
import { AgentIdSchema } from '../registry/registry.schemas.ts';
import { AgentCardResponseSchema, JsonRpcRequestSchema, JsonRpcResponseSchema, type JsonRpcId } from './a2a.schemas.ts';
import { agentCard, cancelTask, getTask, JsonRpcError, jsonRpcErrorOf, sendMessage, UNSUPPORTED_METHODS } from './a2a.service.ts';

const AgentParam = z.object({ id: AgentIdSchema });

/** The server's public origin as the client reached it (TRUST_PROXY=true behind a proxy: X-Forwarded-Proto/Host). */
function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * A2A (Agent2Agent v1.0, docs/a2a.md) for every listed marketplace agent: its signed Agent Card,
 * public, and its JSON-RPC endpoint for the paying agent's key. The endpoint answers every request
 * that reached it authenticated as a JSON-RPC response (HTTP 200), errors included: its body is read
 * as text and parsed here, so malformed JSON is a JSON-RPC parse error, not the API's error shape.
 */
export async function a2aRoutes(app: App, appCtx: AppContext) {
  const tags = ['a2a'];

  app.withTypeProvider<ZodTypeProvider>().get('/a2a/agents/:id/.well-known/agent-card.json', {
    config: { public: true },
    schema: {
      tags,
      summary: 'The A2A Agent Card of a listed agent: skills, price (FrameOS pricing extension), bearer agent keys, signed with the platform key',
      security: [],
      params: AgentParam,
      response: { 200: AgentCardResponseSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return agentCard(appCtx, request.params.id, baseUrlOf(request));
  });

  await app.register(async (scope) => {
    // This scope's JSON bodies arrive as text: the handler answers bad JSON as JSON-RPC does.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, typeof body === 'string' ? body : body.toString('utf8')));

    scope.withTypeProvider<ZodTypeProvider>().post('/a2a/agents/:id', {
      // JSON-RPC requests carry their own ids, and a message its messageId (the idempotency key of SendMessage).
      config: { idempotent: false },
      schema: {
        tags,
        summary: 'A2A JSON-RPC (v1.0): SendMessage runs the agent under the caller\'s deployment and policy, GetTask, CancelTask (docs/a2a.md)',
        params: AgentParam,
        body: z.string().optional(),
        response: { 200: JsonRpcResponseSchema, ...errorResponses },
      },
    }, async (request, reply) => {
      const agentId = request.params.id;
      const answer = (id: JsonRpcId, outcome: { result: unknown } | { error: JsonRpcError }) => {
        reply.header('content-type', 'application/json; charset=utf-8');
        return 'result' in outcome
          ? { jsonrpc: '2.0' as const, id, result: outcome.result }
          : { jsonrpc: '2.0' as const, id, error: { code: outcome.error.code, message: outcome.error.message, ...(outcome.error.data ? { data: outcome.error.data } : {}) } };
      };
      const text = request.body ?? '';
      if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) return answer(null, { error: new JsonRpcError(A2A_ERROR_CODE.PARSE_ERROR, `The request nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep.`) });
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return answer(null, { error: new JsonRpcError(A2A_ERROR_CODE.PARSE_ERROR, 'Parse error: the body is not valid JSON.') });
      }
      const envelope = JsonRpcRequestSchema.safeParse(body);
      if (!envelope.success) {
        const id = (body as { id?: unknown } | null)?.id;
        return answer(typeof id === 'string' || typeof id === 'number' ? id : null, { error: new JsonRpcError(A2A_ERROR_CODE.INVALID_REQUEST, 'Invalid Request: expected a JSON-RPC 2.0 request object {jsonrpc: "2.0", method, params, id}.') });
      }
      const { method, params, id = null } = envelope.data;
      try {
        const unstorable = findTextProblem(params);
        if (unstorable) throw new JsonRpcError(A2A_ERROR_CODE.INVALID_PARAMS, `params${unstorable.path ? `.${unstorable.path}` : ''}: ${unstorable.message}`);
        const version = request.headers[A2A_VERSION_HEADER.toLowerCase()];
        if (typeof version === 'string' && version.trim() !== '' && version.trim() !== A2A_PROTOCOL_VERSION) {
          throw new JsonRpcError(A2A_ERROR_CODE.VERSION_NOT_SUPPORTED, `A2A version ${version} is not supported: this endpoint speaks ${A2A_PROTOCOL_VERSION} (send ${A2A_VERSION_HEADER}: ${A2A_PROTOCOL_VERSION}).`);
        }
        const unsupported = UNSUPPORTED_METHODS[method];
        if (unsupported) throw unsupported;
        const controller = new AbortController();
        request.raw.once('close', () => controller.abort());
        switch (method) {
          case 'SendMessage': return answer(id, { result: await sendMessage(request.ctx, agentId, params, controller.signal) });
          case 'GetTask': return answer(id, { result: await getTask(request.ctx, agentId, params) });
          case 'CancelTask': return answer(id, { result: await cancelTask(request.ctx, agentId, params) });
          default: throw new JsonRpcError(A2A_ERROR_CODE.METHOD_NOT_FOUND, `Method not found: ${method} (this endpoint offers SendMessage, GetTask and CancelTask).`);
        }
      } catch (error) {
        if (error instanceof JsonRpcError) return answer(id, { error });
        if (error instanceof DomainError) {
          const mapped = jsonRpcErrorOf(error);
          if (mapped.code === A2A_ERROR_CODE.INTERNAL_ERROR) request.log.error({ err: error }, 'a2a request failed');
          return answer(id, { error: mapped });
        }
        request.log.error({ err: error }, 'a2a request failed');
        return answer(id, { error: new JsonRpcError(A2A_ERROR_CODE.INTERNAL_ERROR, 'Internal error.', [{ '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: request.id }]) });
      }
    });
  });
}
