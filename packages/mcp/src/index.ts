export { createFrameOSMcpServer } from './server.ts';
