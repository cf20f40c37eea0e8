import type { FastifyInstance } from 'fastify';
import { OPENAPI_DOCUMENT } from '../openapi-document.ts';

/** `GET /openapi.json`: the hand-written OpenAPI 3.1 document (a unit test checks it against the routes). */
export function registerOpenApiRoute(app: FastifyInstance): void {
  app.get('/openapi.json', { config: { auth: 'none' } }, async () => OPENAPI_DOCUMENT);
}
