import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import type { OpenAPI3 } from 'openapi-typescript';

/** The web app's API types, generated from the server's OpenAPI document (docs/web.md). */
export const WEB_API_TYPES_PATH = new URL('../apps/web/src/api/schema.d.ts', import.meta.url);
/** The same types for @frameos/client (packages/client), as a module of its own. */
export const CLIENT_API_TYPES_PATH = new URL('../packages/client/src/schema.ts', import.meta.url);
export const API_TYPES_PATHS = [WEB_API_TYPES_PATH, CLIENT_API_TYPES_PATH];

const HEADER = `${COMMENT_HEADER}// Generated from the server's OpenAPI document by \`npm run web:api-types\`; a test fails when it drifts.\n\n`;

export async function renderWebApiTypes(spec: unknown): Promise<string> {
  const ast = await openapiTS(spec as OpenAPI3, { alphabetize: true, silent: true });
  return HEADER + astToString(ast);
}
