import {
  dmmFeedQuery,
  mapDmmFeedEvent,
  nextDmmCursor,
  parseDmmFeedPage,
  type DmmResources,
  type UnmappedEntity,
} from '@mesh-momentum/adapters';
import type { EventInput } from '@mesh-momentum/events';
import type { PollerDeps } from './poller-deps.ts';
import { getJson, PollHttpError } from './http-json.ts';
import { refusal } from '../unmapped.ts';
import { isPermanent, publishSkippingRefused } from './refusals.ts';

export interface DmmPollerOptions {
  /** Stable URI of the Data Mesh Manager / Entropy Data instance (event ids derive from it). */
  readonly source: string;
  /** API base URL, e.g. https://api.entropy-data.com. */
  readonly url: string;
  readonly apiKey: string | undefined;
}

export interface DmmRound {
  /** Feed events read in this round. */
  readonly read: number;
  /** Domain events acknowledged by Kafka. */
  readonly sent: number;
  readonly cursor: string | undefined;
}

/** Most pages one round reads before yielding (a feed far behind is caught up over several rounds). */
const MAX_PAGES_PER_ROUND = 20;

/**
 * Polls the Data Mesh Manager / Entropy Data events feed (`GET /api/events?lastEventId=`). Its position
 * (the last processed feed event id) is kept in Redis and saved only after Kafka acknowledged the events
 * of the page, so a restart neither skips (the position never runs ahead of Kafka) nor repeats (it resumes
 * after the last acknowledged page; a crash between the ack and the save re-reads one page whose event
 * ids are deterministic, so the processor counts them once).
 */
export class DmmPoller {
  readonly #options: DmmPollerOptions;
  readonly #deps: PollerDeps;

  constructor(options: DmmPollerOptions, deps: PollerDeps) {
    this.#options = options;
    this.#deps = deps;
  }

  #headers(): Record<string, string> {
    return this.#options.apiKey === undefined ? {} : { 'x-api-key': this.#options.apiKey };
  }

  #url(path: string, query: Readonly<Record<string, string>> = {}): string {
    const url = new URL(path, this.#options.url.replace(/\/*$/, '/'));
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url.toString();
  }

  /**
   * Reads pages until the feed is drained (or MAX_PAGES_PER_ROUND), sending and saving each in turn.
   * `signal` stops the round (the gateway stopping): a request to the tool in flight is aborted and the
   * round rejects with the signal's reason; a page already being sent is finished and its position saved
   * first, so nothing sent is lost and the position never passes an unsent event.
   */
  async pollOnce(signal?: AbortSignal): Promise<DmmRound> {
    const { redis, keys } = this.#deps;
    let cursor = (await redis.get(keys.dmmCursor(this.#options.source))) ?? undefined;
    let read = 0;
    let sent = 0;
    for (let page = 0; page < MAX_PAGES_PER_ROUND; page++) {
      signal?.throwIfAborted();
      const body = await getJson(this.#url('api/events', dmmFeedQuery(cursor)), this.#headers(), {
        signal,
      });
      const feed = parseDmmFeedPage(body);
      if (feed.length === 0) break;
      const events: EventInput[] = [];
      const unmapped: UnmappedEntity[] = [];
      const nowMs = this.#deps.clock();
      for (const item of feed) {
        const resources: DmmResources = { dataProducts: {}, accesses: {} };
        if (item.type === 'DataProductDeletedEvent') {
          // The deleted product cannot be read any more: the mapping gets the last body the poller saw.
          const last = await redis.hget(keys.dmmProducts(this.#options.source), item.resourceId);
          if (last !== null)
            (resources.dataProducts as Record<string, unknown>)[item.resourceId] = JSON.parse(
              last,
            ) as unknown;
        }
        const context = { source: this.#options.source, identity: this.#deps.identity, receivedAtMs: nowMs };
        try {
          let outcome = mapDmmFeedEvent(item, resources, context);
          while (outcome.needs.length > 0) {
            for (const need of outcome.needs) await this.#fetchInto(resources, need, signal);
            outcome = mapDmmFeedEvent(item, resources, context);
          }
          events.push(...outcome.events);
          unmapped.push(...outcome.unmapped);
        } catch (error) {
          if (!isPermanent(error)) throw error;
          unmapped.push(refusal('dmm', `event ${item.id} (${item.type} ${item.resourceId})`, error));
        }
      }
      // From here the page is sent and its position saved, even when the round is being stopped.
      signal?.throwIfAborted();
      const published = await publishSkippingRefused(this.#deps.publisher, 'dmm', events);
      await this.#deps.unmapped.record([...unmapped, ...published.refused], nowMs);
      cursor = nextDmmCursor(feed, cursor);
      if (cursor !== undefined) await redis.set(keys.dmmCursor(this.#options.source), cursor);
      read += feed.length;
      sent += published.sent;
    }
    return { read, sent, cursor };
  }

  /** Fetches one resource; a data product that is gone (404) is read from the last body seen. */
  async #fetchInto(
    resources: DmmResources,
    need: { kind: 'dataProduct' | 'access'; id: string },
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { redis, keys } = this.#deps;
    const seen = keys.dmmProducts(this.#options.source);
    if (need.kind === 'access') {
      (resources.accesses as Record<string, unknown>)[need.id] = await getJson(
        this.#url(`api/access/${encodeURIComponent(need.id)}`),
        this.#headers(),
        { signal },
      );
      return;
    }
    let body: unknown;
    try {
      body = await getJson(this.#url(`api/dataproducts/${encodeURIComponent(need.id)}`), this.#headers(), {
        signal,
      });
      await redis.hset(seen, need.id, JSON.stringify(body));
    } catch (error) {
      const last =
        error instanceof PollHttpError && error.status === 404 ? await redis.hget(seen, need.id) : null;
      if (last === null) {
        if (error instanceof PollHttpError && error.status === 404) body = {};
        else throw error;
      } else body = JSON.parse(last) as unknown;
    }
    (resources.dataProducts as Record<string, unknown>)[need.id] = body;
  }
}
