import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createFrameOSClient } from '@frameos/client';
import { createFrameOSMcpServer } from '@frameos/mcp';
import { DomainError } from '@frameos/domain';
import type { App } from '../../http/app-type.ts';
import { injectFetch } from './inject-fetch.ts';

/**
 * The MCP server over streamable HTTP at /mcp (docs/mcp.md), stateless: each POST is one JSON-RPC
 * exchange with a server made for the caller's agent key. The key was already checked by the auth
 * plugin like on any route; the tools then call the API with it.
 */
export async function mcpRoutes(app: App) {
  const fetch = injectFetch(app);

  app.post('/mcp', {
    // MCP messages carry their own JSON-RPC ids; an Idempotency-Key is not part of the protocol.
    config: { idempotent: false },
    schema: { tags: ['mcp'], summary: 'Model Context Protocol (streamable HTTP, stateless) for an agent account key: the FrameOS tools (docs/mcp.md)' },
  }, async (request, reply) => {
    const principal = request.ctx.principal;
    if (principal.type !== 'agent') throw new DomainError('forbidden', 'The MCP endpoint acts for one agent account: use its agent key (fos_agent_…).');
    const apiKey = (request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    const server = createFrameOSMcpServer(createFrameOSClient({ baseUrl: 'http://frameos.internal', apiKey, fetch, retries: 0 }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });

  // Stateless: no server-to-client stream to open, no session to end.
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: '/mcp',
      schema: { tags: ['mcp'], summary: `MCP ${method}: not used by this stateless endpoint (405)` },
      handler: async () => {
        throw new DomainError('method_not_allowed', 'This MCP endpoint is stateless: send JSON-RPC messages with POST.');
      },
    });
  }
}
