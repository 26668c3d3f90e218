import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import type { OpenAPI3 } from 'openapi-typescript';

/**
 * The API's types, generated from the server's OpenAPI document, in @frameos/client
 * (`@frameos/client/schema`); the web app imports them from there too (docs/web.md).
 */
export const API_TYPES_PATH = new URL('../packages/client/src/schema.ts', import.meta.url);

const HEADER = `${COMMENT_HEADER}// Generated from the server's OpenAPI document by \`npm run web:api-types\`; a test fails when it drifts.\n\n`;

export async function renderWebApiTypes(spec: unknown): Promise<string> {
  const ast = await openapiTS(spec as OpenAPI3, { alphabetize: true, silent: true });
  return HEADER + astToString(ast);
}
