import { createHmac } from 'node:crypto';
import type { EventInput } from '@mesh-momentum/events';
import { AdapterPayloadError } from '../errors.ts';
import { deterministicEventId } from '../ids.ts';
import type { UnmappedEntity } from '../identity/types.ts';
import {
  ignored,
  makeEvent,
  produced,
  UNASSIGNED_TEAM,
  type AdapterContext,
  type AdapterOutcome,
  type DeliveryItem,
} from '../outcome.ts';
import { isRecord, PayloadReader } from '../payload.ts';

/**
 * The ChangeEvents of one OpenMetadata webhook request: one event object (current versions) or a
 * `{ "data": [...] }` list (older versions batch them).
 * @throws AdapterPayloadError when the body is neither.
 */
export function openMetadataChangeEvents(body: unknown): readonly unknown[] {
  if (isRecord(body) && Array.isArray(body['data'])) return body['data'];
  if (isRecord(body) && typeof body['eventType'] === 'string') return [body];
  throw new AdapterPayloadError(
    'openmetadata',
    '(body)',
    'must be a ChangeEvent or an object with a data list of them',
  );
}

/** `entity` and change values arrive as JSON text in some versions and as objects in others. */
function parsedJson(value: unknown, field: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch (cause) {
    throw new AdapterPayloadError('openmetadata', field, 'must be JSON', { cause });
  }
}

interface UserRef {
  readonly id: string;
}

function userRefs(value: unknown, field: string): UserRef[] {
  const parsed = parsedJson(value, field);
  if (!Array.isArray(parsed))
    throw new AdapterPayloadError('openmetadata', field, 'must be a list of entity references');
  return parsed.flatMap((ref) =>
    isRecord(ref) && typeof ref['id'] === 'string' && ref['type'] !== 'team' ? [{ id: ref['id'] }] : [],
  );
}

/** What the OpenMetadata adapter needs beyond the common context. */
export interface OpenMetadataContext extends AdapterContext {
  /**
   * Secret key of the person-id HMAC (the gateway's MM_INGEST_PERSON_ID_KEY). Keyed, so that nobody who
   * knows a user id can recompute the person id and join it to other data.
   */
  readonly personIdKey: string;
}

/**
 * A person's pseudonymous id: HMAC-SHA-256 of the OpenMetadata user id under a secret key, never the user
 * name or e-mail (the catalogue requires `personId` to be pseudonymous), and not an unkeyed hash, which
 * anyone could recompute from a user id. Stable under one key, so a champion lost matches the one gained;
 * a new key gives every person a new id.
 * @throws RangeError when the key is empty.
 */
export function openMetadataPersonId(userId: string, key: string): string {
  if (key.length === 0) throw new RangeError('the person-id key must not be empty');
  return `om-${createHmac('sha256', key).update(`openmetadata:user:${userId}`).digest('hex').slice(0, 24)}`;
}

interface ExpertChanges {
  readonly gained: UserRef[];
  readonly lost: UserRef[];
}

function expertChanges(reader: PayloadReader): ExpertChanges {
  const gained: UserRef[] = [];
  const lost: UserRef[] = [];
  const section = (name: 'fieldsAdded' | 'fieldsUpdated' | 'fieldsDeleted') =>
    reader
      .optionalArray(`changeDescription.${name}`)
      .map((change, i) => ({ change, path: `changeDescription.${name}.${i}` }));
  for (const { change, path } of section('fieldsAdded')) {
    if (isRecord(change) && change['name'] === 'experts')
      gained.push(...userRefs(change['newValue'], `${path}.newValue`));
  }
  for (const { change, path } of section('fieldsDeleted')) {
    if (isRecord(change) && change['name'] === 'experts')
      lost.push(...userRefs(change['oldValue'], `${path}.oldValue`));
  }
  for (const { change, path } of section('fieldsUpdated')) {
    if (!isRecord(change) || change['name'] !== 'experts') continue;
    const before = userRefs(change['oldValue'], `${path}.oldValue`);
    const after = userRefs(change['newValue'], `${path}.newValue`);
    gained.push(...after.filter((a) => !before.some((b) => b.id === a.id)));
    lost.push(...before.filter((b) => !after.some((a) => a.id === b.id)));
  }
  return { gained, lost };
}

function domainRefOf(entity: PayloadReader): string | undefined {
  // 1.6 and later: `domains` (a list); earlier: `domain` (one reference).
  return (
    entity.optionalString('domains.0.fullyQualifiedName') ??
    entity.optionalString('domain.fullyQualifiedName')
  );
}

function dataProduct(
  reader: PayloadReader,
  eventType: string,
  context: AdapterContext,
  changeId: string,
): AdapterOutcome {
  const created = eventType === 'entityCreated';
  if (!created && eventType !== 'entityDeleted' && eventType !== 'entitySoftDeleted') {
    return ignored('unsupported-action', `dataProduct ${eventType} is not mapped`);
  }
  const fqn = reader.string('entityFullyQualifiedName');
  const entity = new PayloadReader('openmetadata', parsedJson(reader.get('entity'), 'entity') ?? {});
  const domainRef = domainRefOf(entity);
  const identity = context.identity.resolveProduct({
    tool: 'openmetadata',
    ref: fqn,
    name: entity.optionalString('name') ?? fqn,
    ...(domainRef === undefined ? {} : { domainRef }),
  });
  if (identity.status === 'unmapped') return produced([], [identity]);
  const envelope = (type: string) => ({
    id: deterministicEventId(context.source, `openmetadata:${changeId}`, type),
    source: context.source,
    timeMs: reader.optionalNumber('timestamp') ?? context.receivedAtMs,
  });
  if (!created) {
    return produced([
      makeEvent.dataProductRetired(
        {
          productId: identity.productId,
          domain: identity.domain,
          reason: `data product ${fqn} deleted in OpenMetadata`,
        },
        envelope('DataProductRetired'),
      ),
    ]);
  }
  const version = entity.optionalNumber('version') ?? reader.optionalNumber('currentVersion');
  return produced([
    makeEvent.dataProductPublished(
      {
        productId: identity.productId,
        domain: identity.domain,
        name: entity.optionalString('displayName') ?? entity.optionalString('name') ?? fqn,
        version: version === undefined ? '0.1' : String(version),
        ownerTeam:
          identity.ownerTeam ??
          entity.optionalString('owners.0.name') ??
          entity.optionalString('owner.name') ??
          UNASSIGNED_TEAM,
        tier: identity.tier ?? 'standard',
      },
      envelope('DataProductPublished'),
    ),
  ]);
}

function domainExperts(
  reader: PayloadReader,
  context: OpenMetadataContext,
  changeId: string,
): AdapterOutcome {
  const { gained, lost } = expertChanges(reader);
  if (gained.length === 0 && lost.length === 0)
    return ignored('no-change', 'domain change without expert changes');
  const fqn = reader.string('entityFullyQualifiedName');
  const resolved = context.identity.resolveDomain('openmetadata', fqn);
  if (resolved.status === 'unmapped') return produced([], [resolved as UnmappedEntity]);
  const timeMs = reader.optionalNumber('timestamp') ?? context.receivedAtMs;
  const events: EventInput[] = [];
  const emit = (user: UserRef, kind: 'gained' | 'lost') => {
    const personId = openMetadataPersonId(user.id, context.personIdKey);
    const fields = { domain: resolved.domain, personId, role: 'champion' as const };
    const envelope = {
      id: deterministicEventId(context.source, `openmetadata:${changeId}`, `${kind}:${personId}`),
      source: context.source,
      timeMs,
    };
    events.push(
      kind === 'gained'
        ? makeEvent.championGained(fields, envelope)
        : makeEvent.championLost(fields, envelope),
    );
  };
  gained.forEach((user) => emit(user, 'gained'));
  lost.forEach((user) => emit(user, 'lost'));
  return produced(events);
}

/**
 * Maps one OpenMetadata ChangeEvent (event subscription, generic webhook destination): data product
 * created → DataProductPublished, deleted (hard or soft) → DataProductRetired; experts added to or
 * removed from a domain → ChampionGained / ChampionLost (role champion) per person. Other entity types
 * and event types are ignored. Event ids derive from the ChangeEvent id (and the person), so a retried
 * delivery yields the same ids.
 */
export function mapOpenMetadataChangeEvent(
  changeEvent: unknown,
  context: OpenMetadataContext,
): AdapterOutcome {
  const reader = new PayloadReader('openmetadata', changeEvent);
  const changeId = reader.string('id');
  const entityType = reader.string('entityType');
  const eventType = reader.string('eventType');
  if (entityType === 'dataProduct') return dataProduct(reader, eventType, context, changeId);
  if (entityType === 'domain' && (eventType === 'entityUpdated' || eventType === 'entityFieldsChanged')) {
    return domainExperts(reader, context, changeId);
  }
  return ignored('unsupported-event', `${entityType} ${eventType} is not mapped`);
}

/**
 * Every ChangeEvent of one webhook request, in order, each mapped on its own: a ChangeEvent the adapter
 * cannot read is an item with its error, and the others still map.
 * @throws AdapterPayloadError when the body is neither a ChangeEvent nor a `data` list of them.
 */
export function mapOpenMetadataWebhook(body: unknown, context: OpenMetadataContext): DeliveryItem[] {
  return openMetadataChangeEvents(body).map((changeEvent, index): DeliveryItem => {
    const id = isRecord(changeEvent) ? changeEvent['id'] : undefined;
    const ref = typeof id === 'string' ? `ChangeEvent ${id}` : `ChangeEvent [${index}]`;
    try {
      return { ref, outcome: mapOpenMetadataChangeEvent(changeEvent, context) };
    } catch (error) {
      if (error instanceof AdapterPayloadError) return { ref, error };
      throw error;
    }
  });
}
