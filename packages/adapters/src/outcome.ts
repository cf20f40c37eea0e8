import type {
  ChampionGained,
  ChampionLost,
  ConsumerOffboarded,
  ConsumerOnboarded,
  DataProductDiscovered,
  DataProductPublished,
  DataProductRetired,
  EventInput,
} from '@mesh-momentum/events';
import { subjectFieldOf } from '@mesh-momentum/events';
import type { AdapterPayloadError } from './errors.ts';
import type { IdentityResolver, UnmappedEntity } from './identity/types.ts';

/** Why a delivery produced no events on purpose (the service answers 2xx and counts it as ignored). */
export type IgnoredCode =
  | 'ping'
  | 'unsupported-event'
  | 'unsupported-action'
  | 'not-a-data-product'
  | 'unmapped-entity'
  | 'resource-needed'
  | 'baseline'
  | 'no-change'
  | 'no-match'
  | 'stale-delivery';

export interface IgnoredReason {
  readonly code: IgnoredCode;
  /** One line for logs and the admin listing. */
  readonly detail: string;
}

/**
 * What an adapter makes of one delivery. `events` are complete envelopes (id, source, type, time,
 * subject) ready for `validateEvent`; `ignored` says why there are none when that is intended; `unmapped`
 * lists tool entities the identity mapping could not resolve, for the service to count and list.
 */
export interface AdapterOutcome {
  readonly events: readonly EventInput[];
  readonly ignored?: IgnoredReason;
  readonly unmapped: readonly UnmappedEntity[];
}

/**
 * One tool event of a delivery that carries several (OpenMetadata batches ChangeEvents): what the adapter
 * made of it, or the payload error that refuses it alone, so one bad item never blocks the others.
 * `ref` names it for the refusals listing (`ChangeEvent <id>`).
 */
export type DeliveryItem =
  | { readonly ref: string; readonly outcome: AdapterOutcome }
  | { readonly ref: string; readonly error: AdapterPayloadError };

export interface AdapterContext {
  /** Stable URI of the tool instance (see `toolSource`); every event's `source`, part of its id. */
  readonly source: string;
  readonly identity: IdentityResolver;
  /** When the delivery arrived, ms since the epoch: the event time when the tool gives none. */
  readonly receivedAtMs: number;
}

export function ignored(
  code: IgnoredCode,
  detail: string,
  unmapped: readonly UnmappedEntity[] = [],
): AdapterOutcome {
  return { events: [], ignored: { code, detail }, unmapped };
}

export function produced(
  events: readonly EventInput[],
  unmapped: readonly UnmappedEntity[] = [],
): AdapterOutcome {
  if (events.length === 0 && unmapped.length > 0) {
    return ignored(
      'unmapped-entity',
      `${unmapped.length} entity reference(s) not in the identity mapping`,
      unmapped,
    );
  }
  return events.length === 0
    ? ignored('no-change', 'nothing in this delivery maps to a domain event')
    : { events, unmapped };
}

interface Envelope {
  readonly id: string;
  readonly source: string;
  readonly timeMs: number;
}

type Fields<E> = Omit<E, 'id' | 'source' | 'type' | 'time' | 'subject'>;

/** Builds the envelope around `fields`, with `subject` set to the type's entity field, as validation asks. */
function build<E extends { readonly type: string }>(
  type: E['type'],
  fields: object,
  envelope: Envelope,
): EventInput {
  const entity = (fields as Record<string, unknown>)[
    subjectFieldOf(type as Parameters<typeof subjectFieldOf>[0])
  ];
  return {
    id: envelope.id,
    source: envelope.source,
    type,
    time: envelope.timeMs,
    subject: typeof entity === 'string' ? entity : undefined,
    ...fields,
  } as unknown as EventInput;
}

export const makeEvent = {
  dataProductPublished: (fields: Fields<DataProductPublished>, envelope: Envelope) =>
    build<DataProductPublished>('DataProductPublished', fields, envelope),
  dataProductDiscovered: (fields: Fields<DataProductDiscovered>, envelope: Envelope) =>
    build<DataProductDiscovered>('DataProductDiscovered', fields, envelope),
  dataProductRetired: (fields: Fields<DataProductRetired>, envelope: Envelope) =>
    build<DataProductRetired>('DataProductRetired', fields, envelope),
  consumerOnboarded: (fields: Fields<ConsumerOnboarded>, envelope: Envelope) =>
    build<ConsumerOnboarded>('ConsumerOnboarded', fields, envelope),
  consumerOffboarded: (fields: Fields<ConsumerOffboarded>, envelope: Envelope) =>
    build<ConsumerOffboarded>('ConsumerOffboarded', fields, envelope),
  championGained: (fields: Fields<ChampionGained>, envelope: Envelope) =>
    build<ChampionGained>('ChampionGained', fields, envelope),
  championLost: (fields: Fields<ChampionLost>, envelope: Envelope) =>
    build<ChampionLost>('ChampionLost', fields, envelope),
};

/** Version text when a tool has none (Backstage entities, Data Mesh Manager data products). */
export const UNVERSIONED = 'unversioned';
/** Owner team when neither the tool nor the identity mapping names one. */
export const UNASSIGNED_TEAM = 'unassigned';

/** `v1.2.3` → `1.2.3`; other tags unchanged (`2024-06`, `release-7`). */
export function versionFromTag(tag: string): string {
  return /^[vV]\d/.test(tag) ? tag.slice(1) : tag;
}
