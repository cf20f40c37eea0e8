import {
  buildBackstageSnapshot,
  catalogEntities,
  catalogNextCursor,
  advanceSnapshot,
  diffBackstageSnapshots,
  type BackstageSnapshot,
  type IdentityResolver,
} from '@mesh-momentum/adapters';
import type { RedisClient } from '@mesh-momentum/service-kit';
import type { IngestKeys } from '../keys.ts';
import type { Publisher } from '../publisher.ts';
import type { UnmappedRegistry } from '../unmapped.ts';
import { getJson } from './http-json.ts';
import { publishSkippingRefused } from './refusals.ts';

export interface BackstagePollerOptions {
  /** Stable URI of the Backstage instance (event ids derive from it). */
  readonly source: string;
  /** Catalog API base URL, e.g. https://backstage.example.com/api/catalog. */
  readonly url: string;
  /** Static service token (Authorization: Bearer). */
  readonly token: string | undefined;
}

export interface BackstagePollerDeps {
  readonly redis: RedisClient;
  readonly keys: IngestKeys;
  readonly publisher: Publisher;
  readonly identity: IdentityResolver;
  readonly unmapped: UnmappedRegistry;
  readonly clock: () => number;
}

/** Entities per catalog page. */
const PAGE_LIMIT = 500;
/** Most pages one round reads (500 × 200 = 100k entities); beyond, the round fails rather than loop. */
const MAX_PAGES = 200;

export interface BackstageRound {
  readonly entities: number;
  readonly sent: number;
  /** True on the first round: the catalog's state was taken as the baseline. */
  readonly baseline: boolean;
}

/**
 * Polls the Backstage catalog (`GET /entities/by-query`, paged by cursor), builds a snapshot of the data
 * products and their consumers, and sends the difference from the previous snapshot (kept in Redis). The
 * new snapshot is saved only after Kafka acknowledged the events, so a failed round is diffed again.
 */
export class BackstagePoller {
  readonly #options: BackstagePollerOptions;
  readonly #deps: BackstagePollerDeps;

  constructor(options: BackstagePollerOptions, deps: BackstagePollerDeps) {
    this.#options = options;
    this.#deps = deps;
  }

  async #readCatalog(signal: AbortSignal | undefined): Promise<unknown[]> {
    const headers: Record<string, string> =
      this.#options.token === undefined ? {} : { authorization: `Bearer ${this.#options.token}` };
    const entities: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const url = new URL('entities/by-query', this.#options.url.replace(/\/*$/, '/'));
      url.searchParams.set('limit', String(PAGE_LIMIT));
      if (cursor !== undefined) url.searchParams.set('cursor', cursor);
      const body = await getJson(url.toString(), headers, { signal });
      entities.push(...catalogEntities(body));
      cursor = catalogNextCursor(body);
      if (cursor === undefined) return entities;
    }
    throw new Error(`catalog has more than ${MAX_PAGES} pages of ${PAGE_LIMIT}; not read`);
  }

  /**
   * One round. `signal` stops it (the gateway stopping): reading the catalog is aborted and the round
   * rejects with the signal's reason; once the difference is being sent, it is finished and the snapshot
   * saved, so a stop never loses what was sent nor skips what was not.
   */
  async pollOnce(signal?: AbortSignal): Promise<BackstageRound> {
    const { redis, keys } = this.#deps;
    const key = keys.backstageSnapshot(this.#options.source);
    const entities = await this.#readCatalog(signal);
    const current = buildBackstageSnapshot(entities, this.#deps.identity);
    const saved = await redis.get(key);
    const previous = saved === null ? undefined : (JSON.parse(saved) as BackstageSnapshot);
    const nowMs = this.#deps.clock();
    const outcome = diffBackstageSnapshots(previous, current, { source: this.#options.source, nowMs });
    signal?.throwIfAborted();
    const published = await publishSkippingRefused(this.#deps.publisher, 'backstage', outcome.events);
    await this.#deps.unmapped.record([...outcome.unmapped, ...published.refused], nowMs);
    await redis.set(key, JSON.stringify(advanceSnapshot(previous, current, outcome.events.length > 0)));
    return { entities: entities.length, sent: outcome.events.length, baseline: previous === undefined };
  }
}
