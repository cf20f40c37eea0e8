import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that plays a GitHub organisation's REST API, in the shapes GitHub documents
 * (`GET /orgs/{org}/repos`, `GET /repos/{owner}/{repo}/releases`): pages joined by `Link` headers,
 * `x-ratelimit-*` headers, and faults a test queues for one request (a rate-limit answer, a 500).
 * For the import's tests, its benchmark and the demo.
 */
export interface PlayedRelease {
  readonly id: number;
  readonly tag_name: string;
  readonly published_at: string | null;
  readonly draft?: boolean;
  readonly prerelease?: boolean;
}

export interface PlayedRepository {
  readonly id: number;
  readonly name: string;
  readonly topics: readonly string[];
  readonly archived?: boolean;
  /** RFC 3339; for an archived repository, when it was archived. */
  readonly updated_at: string;
  /** Newest first, as GitHub lists them. */
  readonly releases: readonly PlayedRelease[];
}

export interface PlayedOrganisation {
  readonly owner: string;
  readonly repositories: readonly PlayedRepository[];
}

/** One answer to give instead of the real one, once. */
export interface PlayedFault {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface GithubOrgServer {
  readonly url: string;
  /** Every path and query asked, in order. */
  readonly requests: readonly string[];
  /** Answers the next request whose path and query start with `prefix` with `fault` (queued, once each). */
  fault(prefix: string, fault: PlayedFault): void;
  close(): Promise<void>;
}

export interface GithubOrgServerOptions {
  /** Largest page served whatever `per_page` asks (GitHub: 100). @defaultValue 100 */
  readonly maxPerPage?: number;
  /** `x-ratelimit-reset` of every answer, epoch seconds. @defaultValue an hour from start */
  readonly rateLimitResetS?: number;
}

function repositoryBody(owner: string, repo: PlayedRepository) {
  const { releases: _releases, ...fields } = repo;
  return {
    ...fields,
    full_name: `${owner}/${repo.name}`,
    owner: { login: owner, type: 'Organization' },
    private: false,
    archived: repo.archived ?? false,
  };
}

function releaseBody(owner: string, repo: PlayedRepository, release: PlayedRelease) {
  return {
    ...release,
    name: release.tag_name,
    draft: release.draft ?? false,
    prerelease: release.prerelease ?? false,
    html_url: `https://github.com/${owner}/${repo.name}/releases/tag/${release.tag_name}`,
    created_at: release.published_at,
  };
}

export async function startGithubOrgServer(
  org: PlayedOrganisation,
  options: GithubOrgServerOptions = {},
): Promise<GithubOrgServer> {
  const maxPerPage = options.maxPerPage ?? 100;
  const resetS = options.rateLimitResetS ?? Math.floor(Date.now() / 1_000) + 3_600;
  const requests: string[] = [];
  const faults: { prefix: string; fault: PlayedFault }[] = [];
  let remaining = 5_000;
  let base = '';

  const page = (url: URL, items: readonly unknown[], response: ServerResponse) => {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30) || 30, maxPerPage);
    const n = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number, rel: string) => {
      const target = new URL(url.pathname + url.search, base);
      target.searchParams.set('page', String(p));
      return `<${target.toString()}>; rel="${rel}"`;
    };
    const links = [];
    if (n < last) links.push(link(n + 1, 'next'), link(last, 'last'));
    if (n > 1) links.push(link(1, 'first'), link(n - 1, 'prev'));
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, --remaining)),
      'x-ratelimit-reset': String(resetS),
      ...(links.length > 0 ? { link: links.join(', ') } : {}),
    });
    response.end(JSON.stringify(items.slice((n - 1) * perPage, n * perPage)));
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const pathAndQuery = request.url ?? '/';
    requests.push(pathAndQuery);
    const queued = faults.findIndex((f) => pathAndQuery.startsWith(f.prefix));
    if (queued >= 0) {
      const { fault } = faults.splice(queued, 1)[0] as { fault: PlayedFault };
      response.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      response.end(JSON.stringify(fault.body ?? { message: `status ${fault.status}` }));
      return;
    }
    const url = new URL(pathAndQuery, base);
    const reposPath = `/orgs/${org.owner}/repos`;
    if (url.pathname === reposPath)
      return page(
        url,
        org.repositories.map((r) => repositoryBody(org.owner, r)),
        response,
      );
    const match = /^\/repos\/([^/]+)\/([^/]+)\/releases$/.exec(url.pathname);
    const repo =
      match && match[1] === org.owner ? org.repositories.find((r) => r.name === match[2]) : undefined;
    if (repo)
      return page(
        url,
        repo.releases.map((r) => releaseBody(org.owner, repo, r)),
        response,
      );
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    fault: (prefix, fault) => faults.push({ prefix, fault }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
