#!/usr/bin/env node
/**
 * `frameos-mcp`: the FrameOS MCP server over stdio, for Claude Desktop or any MCP client.
 * FROS_API_URL (default http://localhost:3000) and FROS_API_KEY (an agent account key) configure it.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createFrameOSClient } from '@frameos/client';
import { createFrameOSMcpServer } from './server.ts';

const apiKey = process.env.FROS_API_KEY;
if (!apiKey) {
  process.stderr.write('frameos-mcp: set FROS_API_KEY to an agent account key (fos_agent_…)\n');
  process.exit(2);
}
const server = createFrameOSMcpServer(createFrameOSClient({ baseUrl: process.env.FROS_API_URL ?? 'http://localhost:3000', apiKey }));
await server.connect(new StdioServerTransport());
