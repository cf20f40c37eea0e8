import { deterministicEventId } from '../ids.ts';
import {
  ignored,
  makeEvent,
  produced,
  UNASSIGNED_TEAM,
  UNVERSIONED,
  type AdapterContext,
  type AdapterOutcome,
} from '../outcome.ts';
import { PayloadReader, stringMap } from '../payload.ts';
import type { DmmFeedEvent } from './feed.ts';

/** A resource the poller must fetch before the event can be mapped (the feed carries ids only). */
export interface DmmResourceRequest {
  /** `dataProduct`: GET /api/dataproducts/{id}; `access`: GET /api/access/{id}. */
  readonly kind: 'dataProduct' | 'access';
  readonly id: string;
}

/** Resources already fetched, raw API bodies keyed by id. A deleted product: pass its last known body. */
export interface DmmResources {
  readonly dataProducts: Readonly<Record<string, unknown>>;
  readonly accesses: Readonly<Record<string, unknown>>;
}

export interface DmmOutcome extends AdapterOutcome {
  /** Non-empty when the mapping needs these resources: fetch them and call again (`ignored.code` resource-needed). */
  readonly needs: readonly DmmResourceRequest[];
}

const EMPTY: Pick<DmmOutcome, 'needs'> = { needs: [] };

function need(request: DmmResourceRequest): DmmOutcome {
  return { ...ignored('resource-needed', `fetch ${request.kind} ${request.id}`), needs: [request] };
}

function productIdentity(dataProductId: string, body: unknown, context: AdapterContext) {
  const reader = new PayloadReader('dmm', body ?? {});
  const identity = context.identity.resolveProduct({
    tool: 'dmm',
    ref: dataProductId,
    name: dataProductId,
    annotations: stringMap(reader.get('custom')),
  });
  return { identity, reader };
}

function envelope(event: DmmFeedEvent, context: AdapterContext, type: string) {
  return {
    id: deterministicEventId(context.source, `dmm:${event.id}`, type),
    source: context.source,
    timeMs: event.timeMs ?? context.receivedAtMs,
  };
}

function dataProductCreated(
  event: DmmFeedEvent,
  resources: DmmResources,
  context: AdapterContext,
): DmmOutcome {
  const body = resources.dataProducts[event.resourceId];
  if (body === undefined) return need({ kind: 'dataProduct', id: event.resourceId });
  const { identity, reader } = productIdentity(event.resourceId, body, context);
  if (identity.status === 'unmapped') return { ...produced([], [identity]), ...EMPTY };
  return {
    ...produced([
      makeEvent.dataProductPublished(
        {
          productId: identity.productId,
          domain: identity.domain,
          name: reader.optionalString('info.title') ?? event.resourceId,
          version: reader.optionalString('info.version') ?? UNVERSIONED,
          ownerTeam: identity.ownerTeam ?? reader.optionalString('info.owner') ?? UNASSIGNED_TEAM,
          tier: identity.tier ?? 'standard',
        },
        envelope(event, context, 'DataProductPublished'),
      ),
    ]),
    ...EMPTY,
  };
}

function dataProductDeleted(
  event: DmmFeedEvent,
  resources: DmmResources,
  context: AdapterContext,
): DmmOutcome {
  // The product is gone from the API: its last known body (if the poller kept one) or the mapping file.
  const { identity } = productIdentity(event.resourceId, resources.dataProducts[event.resourceId], context);
  if (identity.status === 'unmapped') return { ...produced([], [identity]), ...EMPTY };
  return {
    ...produced([
      makeEvent.dataProductRetired(
        {
          productId: identity.productId,
          domain: identity.domain,
          reason: 'data product deleted in Data Mesh Manager',
        },
        envelope(event, context, 'DataProductRetired'),
      ),
    ]),
    ...EMPTY,
  };
}

function access(
  event: DmmFeedEvent,
  resources: DmmResources,
  context: AdapterContext,
  activated: boolean,
): DmmOutcome {
  const body = resources.accesses[event.resourceId];
  if (body === undefined) return need({ kind: 'access', id: event.resourceId });
  const reader = new PayloadReader('dmm', body);
  const providerId = reader.string('provider.dataProductId');
  const provider = resources.dataProducts[providerId];
  if (provider === undefined) return need({ kind: 'dataProduct', id: providerId });
  // A team or a consuming data product stands for the consumer; a single person is not a team.
  const consumerTeam =
    reader.optionalString('consumer.teamId') ?? reader.optionalString('consumer.dataProductId');
  if (consumerTeam === undefined) {
    return {
      ...ignored('unsupported-action', `access ${event.resourceId} is granted to a person, not a team`),
      ...EMPTY,
    };
  }
  const { identity } = productIdentity(providerId, provider, context);
  if (identity.status === 'unmapped') return { ...produced([], [identity]), ...EMPTY };
  const fields = { productId: identity.productId, domain: identity.domain, consumerTeam };
  const built = activated
    ? makeEvent.consumerOnboarded(
        { ...fields, useCaseId: null },
        envelope(event, context, 'ConsumerOnboarded'),
      )
    : makeEvent.consumerOffboarded(
        { ...fields, reason: 'access deactivated in Data Mesh Manager' },
        envelope(event, context, 'ConsumerOffboarded'),
      );
  return { ...produced([built]), ...EMPTY };
}

/**
 * Maps one event of the Data Mesh Manager / Entropy Data feed: DataProductCreatedEvent →
 * DataProductPublished, DataProductDeletedEvent → DataProductRetired, AccessActivatedEvent →
 * ConsumerOnboarded, AccessDeactivatedEvent → ConsumerOffboarded; other types are ignored. The feed
 * carries ids only, so the mapping reads the data product and access bodies from `resources`; when one
 * is missing the outcome lists it in `needs` and the poller fetches it and calls again.
 */
export function mapDmmFeedEvent(
  event: DmmFeedEvent,
  resources: DmmResources,
  context: AdapterContext,
): DmmOutcome {
  switch (event.type) {
    case 'DataProductCreatedEvent':
      return dataProductCreated(event, resources, context);
    case 'DataProductDeletedEvent':
      return dataProductDeleted(event, resources, context);
    case 'AccessActivatedEvent':
      return access(event, resources, context, true);
    case 'AccessDeactivatedEvent':
      return access(event, resources, context, false);
    default:
      return { ...ignored('unsupported-event', `feed event ${event.type} is not mapped`), ...EMPTY };
  }
}
