import {
  mapOpenMetadataChangeEvent,
  type DeliveryItem,
  type IdentityResolver,
} from '@mesh-momentum/adapters';
import { mappedItem, type HistorySource, type ImportItem, type ImportPage } from './history-source.ts';
import type { RateLimitedHttpClient } from './http-client.ts';
import { ImportSourceError } from './errors.ts';

/** Entities per listing page (OpenMetadata's `limit`). */
const PAGE_LIMIT = 100;

export interface OpenMetadataHistoryOptions {
  /** The `source` of the OpenMetadata webhook: imported events carry it. */
  readonly source: string;
  /** Server base URL, e.g. https://openmetadata.example.com (the API is under /api/v1). */
  readonly url: string;
  /** The gateway's MM_INGEST_PERSON_ID_KEY: experts become the same person ids as through the webhook. */
  readonly personIdKey: string;
  /** Versions updated before this are not imported, ms since the epoch. */
  readonly sinceMs: number | undefined;
}

/** Where an OpenMetadata import stands: the listing in progress and the cursor of its next page (null: done). */
export interface OpenMetadataCheckpoint {
  readonly listing: 'dataProducts' | 'domains';
  readonly after: string | null;
}

type Entity = Readonly<Record<string, unknown>>;
interface UserRef {
  readonly id: string;
  readonly type?: string;
}

const LISTINGS = [
  { listing: 'dataProducts', fields: 'owners,domains' },
  { listing: 'domains', fields: 'experts' },
] as const;

function parsed(url: string, value: unknown): Entity {
  const entity = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (typeof entity !== 'object' || entity === null)
    throw new ImportSourceError(url, 200, 'listed a version that is not an entity');
  return entity as Entity;
}

const experts = (entity: Entity): UserRef[] =>
  Array.isArray(entity['experts']) ? (entity['experts'] as UserRef[]) : [];

/**
 * An OpenMetadata server's history: every data product with its versions (each version a publication at
 * its `updatedAt`), then every domain with its versions (experts added or removed between two versions:
 * champions gained or lost at the later one's `updatedAt`). Each version is handed to the webhook's
 * adapter as the ChangeEvent that would have announced it (data product `entityCreated`, domain
 * `entityUpdated` with the experts' change), so mapping, identity and person ids are the live path's.
 * Their ids derive from the entity id and version: a second import yields the same ones (OpenMetadata's
 * own ChangeEvent ids are not recoverable from the versions, so a version also delivered by the webhook
 * counts twice).
 */
export class OpenMetadataHistory implements HistorySource<OpenMetadataCheckpoint> {
  readonly tool = 'openmetadata' as const;
  readonly total = LISTINGS.length;
  readonly #options: OpenMetadataHistoryOptions;
  readonly #http: RateLimitedHttpClient;
  readonly #identity: IdentityResolver;
  readonly #clock: () => number;

  constructor(
    options: OpenMetadataHistoryOptions,
    deps: { http: RateLimitedHttpClient; identity: IdentityResolver; clock: () => number },
  ) {
    this.#options = options;
    this.#http = deps.http;
    this.#identity = deps.identity;
    this.#clock = deps.clock;
  }

  #api(path: string, query: Readonly<Record<string, string>> = {}): string {
    const url = new URL(`api/v1/${path}`, this.#options.url.replace(/\/*$/, '/'));
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url.toString();
  }

  #map(ref: string, changeEvent: Entity): DeliveryItem {
    const context = {
      source: this.#options.source,
      identity: this.#identity,
      receivedAtMs: this.#clock(),
      personIdKey: this.#options.personIdKey,
    };
    return mappedItem(ref, () => mapOpenMetadataChangeEvent(changeEvent, context));
  }

  /** The entity's versions, oldest first. */
  async #versions(listing: string, entity: Entity): Promise<Entity[]> {
    const url = this.#api(`${listing}/${encodeURIComponent(String(entity['id']))}/versions`);
    const body = (await this.#http.getJson(url)).body as { versions?: unknown };
    if (!Array.isArray(body.versions))
      throw new ImportSourceError(url, 200, 'answered without a versions list');
    return body.versions
      .map((v) => parsed(url, v))
      .sort((a, b) => Number(a['version'] ?? 0) - Number(b['version'] ?? 0));
  }

  #recent(version: Entity): boolean {
    const since = this.#options.sinceMs;
    return since === undefined || Number(version['updatedAt'] ?? 0) >= since;
  }

  async #productItems(product: Entity, versions: readonly Entity[]): Promise<ImportItem[]> {
    const fqn = String(product['fullyQualifiedName'] ?? product['name']);
    return versions.map((version) => {
      const ref = `dataProduct ${fqn} version ${String(version['version'])}`;
      if (!this.#recent(version)) return { ref, skipped: 'updated before --since' };
      return this.#map(ref, {
        id: `import:dataProduct:${String(product['id'])}:${String(version['version'])}`,
        entityType: 'dataProduct',
        eventType: 'entityCreated',
        entityId: product['id'],
        entityFullyQualifiedName: fqn,
        timestamp: version['updatedAt'],
        entity: version,
      });
    });
  }

  async #domainItems(domain: Entity, versions: readonly Entity[]): Promise<ImportItem[]> {
    const fqn = String(domain['fullyQualifiedName'] ?? domain['name']);
    const items: ImportItem[] = [];
    let before: UserRef[] = [];
    for (const version of versions) {
      const after = experts(version);
      const added = after.filter((a) => !before.some((b) => b.id === a.id));
      const removed = before.filter((b) => !after.some((a) => a.id === b.id));
      before = after;
      if (added.length === 0 && removed.length === 0) continue;
      const ref = `domain ${fqn} version ${String(version['version'])}`;
      if (!this.#recent(version)) {
        items.push({ ref, skipped: 'updated before --since' });
        continue;
      }
      items.push(
        this.#map(ref, {
          id: `import:domain:${String(domain['id'])}:${String(version['version'])}`,
          entityType: 'domain',
          eventType: 'entityUpdated',
          entityId: domain['id'],
          entityFullyQualifiedName: fqn,
          timestamp: version['updatedAt'],
          changeDescription: {
            fieldsAdded: added.length > 0 ? [{ name: 'experts', newValue: added }] : [],
            fieldsDeleted: removed.length > 0 ? [{ name: 'experts', oldValue: removed }] : [],
            fieldsUpdated: [],
          },
        }),
      );
    }
    return items;
  }

  async *pages(from: OpenMetadataCheckpoint | undefined): AsyncIterable<ImportPage<OpenMetadataCheckpoint>> {
    // A checkpoint naming a listing this version does not read starts the import over (its ids repeat).
    const resumeAt = from === undefined ? -1 : LISTINGS.findIndex((l) => l.listing === from.listing);
    const start = Math.max(0, resumeAt);
    for (let index = start; index < LISTINGS.length; index++) {
      const { listing, fields } = LISTINGS[index] as (typeof LISTINGS)[number];
      let after: string | null = index === resumeAt && from !== undefined ? from.after : '';
      // `after` null: this listing was finished when the checkpoint was saved.
      while (after !== null) {
        const url = this.#api(listing, { limit: String(PAGE_LIMIT), fields, ...(after ? { after } : {}) });
        const body = (await this.#http.getJson(url)).body as { data?: unknown; paging?: { after?: unknown } };
        if (!Array.isArray(body.data)) throw new ImportSourceError(url, 200, 'answered without a data list');
        const items: ImportItem[] = [];
        for (const entity of body.data as Entity[]) {
          const versions = await this.#versions(listing, entity);
          items.push(
            ...(listing === 'dataProducts'
              ? await this.#productItems(entity, versions)
              : await this.#domainItems(entity, versions)),
          );
        }
        const next =
          typeof body.paging?.after === 'string' && body.paging.after !== '' ? body.paging.after : null;
        yield {
          items,
          unmapped: [],
          checkpoint: { listing, after: next },
          done: next === null ? index + 1 : index,
        };
        after = next;
      }
    }
  }
}
