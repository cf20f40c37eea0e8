import LinkHeader from 'http-link-header';
import { mapGithubWebhook, type IdentityResolver, type UnmappedEntity } from '@mesh-momentum/adapters';
import { mappedItem, type HistorySource, type ImportItem, type ImportPage } from './history-source.ts';
import type { RateLimitedHttpClient } from './http-client.ts';
import { ImportSourceError } from './errors.ts';

/** Items per page the REST API is asked for (its maximum). */
const PER_PAGE = 100;

export interface GithubHistoryOptions {
  /** The `source` of the GitHub webhook (`webhooks.github.source`): imported events share its ids. */
  readonly source: string;
  /** REST API base, e.g. https://api.github.com. */
  readonly apiUrl: string;
  /** The organisation whose repositories are read (`GET /orgs/{owner}/repos`). */
  readonly owner: string;
  /** Releases published before this are not imported, ms since the epoch. */
  readonly sinceMs: number | undefined;
}

/** Where a GitHub import stands: the repository in progress and its next page of releases (null: done). */
export interface GithubCheckpoint {
  readonly repository: string;
  readonly next: string | null;
}

/** The fields of a REST repository object the import reads (the webhook's `repository` is the same object). */
interface RestRepository {
  readonly id: number;
  readonly name: string;
  readonly full_name: string;
  readonly archived?: boolean;
  readonly topics?: readonly string[];
}

interface RestRelease {
  readonly id: number;
  readonly tag_name?: string;
  readonly draft?: boolean;
  readonly published_at?: string | null;
}

/** The `rel="next"` target of a `Link` header (RFC 8288), resolved against the request URL. */
export function nextPageUrl(answerUrl: string, link: string | null): string | null {
  if (link === null) return null;
  const next = LinkHeader.parse(link).rel('next')[0];
  return next === undefined ? null : new URL(next.uri, answerUrl).toString();
}

function asArray(url: string, body: unknown): readonly Record<string, unknown>[] {
  if (!Array.isArray(body))
    throw new ImportSourceError(url, 200, 'answered with something other than a JSON array');
  return body as Record<string, unknown>[];
}

/**
 * A GitHub organisation's history, page by page: its repositories are listed (all pages), the mapped
 * ones (identity mapping, as for webhooks) are read in name order, each release page mapped by the
 * webhook adapter itself (a REST release and repository are the webhook's `release` and `repository`),
 * so ids, product ids and validation are the live path's. An archived repository ends with its
 * archiving (`repository archived`, dated `updated_at`: the REST API gives no archive date).
 */
export class GithubHistory implements HistorySource<GithubCheckpoint> {
  readonly tool = 'github' as const;
  readonly #options: GithubHistoryOptions;
  readonly #http: RateLimitedHttpClient;
  readonly #identity: IdentityResolver;
  readonly #clock: () => number;
  #total: number | undefined;

  constructor(
    options: GithubHistoryOptions,
    deps: { http: RateLimitedHttpClient; identity: IdentityResolver; clock: () => number },
  ) {
    this.#options = options;
    this.#http = deps.http;
    this.#identity = deps.identity;
    this.#clock = deps.clock;
  }

  /** Mapped repositories, once listed: the unit of progress. */
  get total(): number | undefined {
    return this.#total;
  }

  #api(path: string): string {
    const url = new URL(path, this.#options.apiUrl.replace(/\/*$/, '/'));
    url.searchParams.set('per_page', String(PER_PAGE));
    return url.toString();
  }

  async #repositories(): Promise<RestRepository[]> {
    const all: RestRepository[] = [];
    let url: string | null = this.#api(`orgs/${encodeURIComponent(this.#options.owner)}/repos`);
    while (url !== null) {
      const answer = await this.#http.getJson(url);
      all.push(...(asArray(url, answer.body) as unknown as RestRepository[]));
      url = nextPageUrl(answer.url, answer.headers.get('link'));
    }
    return all;
  }

  #context() {
    return { source: this.#options.source, identity: this.#identity, receivedAtMs: this.#clock() };
  }

  #release(repository: RestRepository, release: RestRelease): ImportItem {
    const ref = `${repository.full_name} release ${release.tag_name ?? release.id}`;
    if (release.draft === true) return { ref, skipped: 'draft' };
    const publishedMs = release.published_at ? Date.parse(release.published_at) : undefined;
    const since = this.#options.sinceMs;
    if (since !== undefined && publishedMs !== undefined && publishedMs < since)
      return { ref, skipped: 'published before --since' };
    return mappedItem(ref, () =>
      mapGithubWebhook(
        { event: 'release', deliveryId: 'import', payload: { action: 'published', release, repository } },
        this.#context(),
      ),
    );
  }

  async *pages(from: GithubCheckpoint | undefined): AsyncIterable<ImportPage<GithubCheckpoint>> {
    const repositories = await this.#repositories();
    const unmapped: UnmappedEntity[] = [];
    const mapped: RestRepository[] = [];
    for (const repository of repositories) {
      const identity = this.#identity.resolveProduct({
        tool: 'github',
        ref: repository.full_name,
        name: repository.name,
        topics: repository.topics ?? [],
      });
      if (identity.status === 'unmapped') unmapped.push(identity);
      else mapped.push(repository);
    }
    mapped.sort((a, b) => (a.full_name < b.full_name ? -1 : a.full_name > b.full_name ? 1 : 0));
    this.#total = mapped.length;
    yield { items: [], unmapped, checkpoint: from, done: 0 };
    for (const [index, repository] of mapped.entries()) {
      const resumed = from?.repository === repository.full_name;
      if (from !== undefined && (repository.full_name < from.repository || (resumed && from.next === null)))
        continue;
      let url: string | null =
        resumed && from?.next ? from.next : this.#api(`repos/${repository.full_name}/releases`);
      while (url !== null) {
        const answer = await this.#http.getJson(url);
        const items = asArray(url, answer.body).map((r) =>
          this.#release(repository, r as unknown as RestRelease),
        );
        const next = nextPageUrl(answer.url, answer.headers.get('link'));
        if (next === null && repository.archived === true) {
          items.push(
            mappedItem(`${repository.full_name} archived`, () =>
              mapGithubWebhook(
                { event: 'repository', deliveryId: 'import', payload: { action: 'archived', repository } },
                this.#context(),
              ),
            ),
          );
        }
        yield {
          items,
          unmapped: [],
          checkpoint: { repository: repository.full_name, next },
          done: next === null ? index + 1 : index,
        };
        url = next;
      }
    }
  }
}
