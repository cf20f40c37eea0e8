/**
 * The parts of a fastify instance the fuzzer uses (fastify's own types are not a dependency of the
 * repository root; every service's instance has these).
 */
export interface FuzzableApp {
  printRoutes(options: { commonPrefix: boolean }): string;
  ready(): PromiseLike<unknown>;
  inject(options: {
    method: 'GET';
    url: string;
    headers: Record<string, string>;
    payload?: Buffer;
    payloadAsStream: boolean;
  }): Promise<StreamedResponse>;
}

/** A response of `inject({payloadAsStream: true})`. */
export interface StreamedResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, unknown>>;
  stream(): AsyncIterable<unknown>;
  readonly raw: { readonly res: { destroy(): void } };
}

/** One method of one registered route, as fastify's router holds it (`/api/domains/:domain`, `/*`). */
export interface RouteSpec {
  readonly method: string;
  readonly url: string;
}

/** A line of `printRoutes({commonPrefix: false})`: tree indent, the segment, its methods. */
const TREE_LINE = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z]+(?:, [A-Z]+)*)\))?$/;

/**
 * Every route the running instance registered, read from its router (fastify's `printRoutes`, the
 * public view of it), so a route added to a service is fuzzed without anyone listing it. HEAD, which
 * fastify adds beside every GET, is left out: the GET route's cases send it too.
 */
export function routesOf(app: Pick<FuzzableApp, 'printRoutes'>): RouteSpec[] {
  const routes: RouteSpec[] = [];
  // The full path of the node last seen at each depth: a child's segment continues its parent's.
  const pathAt: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = TREE_LINE.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = (depth === 0 ? '' : (pathAt[depth - 1] ?? '')) + (match[2] ?? '');
    pathAt.length = depth;
    pathAt.push(path);
    for (const method of match[3]?.split(', ') ?? []) {
      if (method !== 'HEAD') routes.push({ method, url: path.startsWith('/') ? path : `/${path}` });
    }
  }
  return routes;
}
