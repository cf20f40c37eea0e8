import {
  buildBackstageSnapshot,
  catalogEntities,
  catalogNextCursor,
  advanceSnapshot,
  DEFAULT_MAX_RETIRE_SHARE,
  diffBackstageSnapshots,
  massRetirement,
  type BackstageSnapshot,
} from '@mesh-momentum/adapters';
import { RetirementHolds, type RetirementHold } from './backstage-hold.ts';
import type { PollerDeps } from './poller-deps.ts';
import { getJson } from './http-json.ts';
import { publishSkippingRefused } from './refusals.ts';

export interface BackstagePollerOptions {
  /** Stable URI of the Backstage instance (event ids derive from it). */
  readonly source: string;
  /** Catalog API base URL, e.g. https://backstage.example.com/api/catalog. */
  readonly url: string;
  /** Static service token (Authorization: Bearer). */
  readonly token: string | undefined;
  /**
   * Largest share of the known products one round may retire; a round retiring more is held (nothing
   * sent, the snapshot kept) until an operator confirms it or the catalog recovers. 1: never held.
   * @defaultValue DEFAULT_MAX_RETIRE_SHARE (0.5)
   */
  readonly maxRetireShare?: number;
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
  /** Set when the round was held for retiring too many products (nothing sent, snapshot kept). */
  readonly held?: RetirementHold;
}

/**
 * Polls the Backstage catalog (`GET /entities/by-query`, paged by cursor), builds a snapshot of the data
 * products and their consumers, and sends the difference from the previous snapshot (kept in Redis). The
 * new snapshot is saved only after Kafka acknowledged the events, so a failed round is diffed again. A
 * round that would retire more than `maxRetireShare` of the known products is held (see
 * RetirementHolds): a catalog suddenly empty is more likely broken than retired.
 */
export class BackstagePoller {
  readonly #options: BackstagePollerOptions;
  readonly #deps: PollerDeps;
  readonly #holds: RetirementHolds;

  constructor(options: BackstagePollerOptions, deps: PollerDeps) {
    this.#options = options;
    this.#deps = deps;
    this.#holds = new RetirementHolds(deps.redis, deps.keys);
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
    const { source } = this.#options;
    if (previous !== undefined) {
      const maxShare = this.#options.maxRetireShare ?? DEFAULT_MAX_RETIRE_SHARE;
      const mass = massRetirement(previous, current, maxShare);
      if (mass !== undefined && !RetirementHolds.allows(await this.#holds.get(source), mass)) {
        const held = await this.#holds.hold(source, mass, maxShare, nowMs);
        return { entities: entities.length, sent: 0, baseline: false, held };
      }
    }
    const outcome = diffBackstageSnapshots(previous, current, { source, nowMs });
    signal?.throwIfAborted();
    const published = await publishSkippingRefused(this.#deps.publisher, 'backstage', outcome.events);
    await this.#deps.unmapped.record([...outcome.unmapped, ...published.refused], nowMs);
    await redis.set(key, JSON.stringify(advanceSnapshot(previous, current, outcome.events.length > 0)));
    // Sent and saved: the catalog recovered, or the confirmed retirements went out.
    await this.#holds.clear(source);
    return { entities: entities.length, sent: outcome.events.length, baseline: previous === undefined };
  }
}
