import type { EntityReference, MappedIdentity, UnmappedEntity } from '../identity/types.ts';
import {
  ignored,
  makeEvent,
  produced,
  UNASSIGNED_TEAM,
  versionFromTag,
  type AdapterContext,
  type AdapterOutcome,
} from '../outcome.ts';
import { AdapterPayloadError } from '../errors.ts';
import { PayloadReader } from '../payload.ts';
import { githubArchivingEventId, githubReleaseEventId } from './event-ids.ts';

/** One GitHub webhook delivery, as the service has it after verifying the signature. */
export interface GithubDelivery {
  /** `X-GitHub-Event`: release, repository, ping, … */
  readonly event: string;
  /**
   * `X-GitHub-Delivery`: a GUID that stays the same when a delivery is redelivered. Not signed, so it
   * names nothing the events derive from (their ids come from the signed body, see event-ids.ts).
   */
  readonly deliveryId: string;
  /** The parsed JSON body. */
  readonly payload: unknown;
}

/**
 * The GitHub mapping's context: the adapters' own, and how old a delivery's signed time may be.
 */
export interface GithubContext extends AdapterContext {
  /**
   * A delivery whose signed time (`release.published_at`, `repository.updated_at`) is further than this
   * before `receivedAtMs` is ignored as `stale-delivery`: GitHub delivers within seconds and redelivers
   * for days, so such a body is a replay that the delivery ledger may have forgotten. Absent: no limit
   * (a history import). ms.
   */
  readonly replayWindowMs?: number;
}

/** The payload's numeric id at `path` (`repository.id`, `release.id`). */
function numericId(reader: PayloadReader, path: string): number {
  const id = reader.optionalNumber(path);
  if (id === undefined || !Number.isSafeInteger(id))
    throw new AdapterPayloadError('github', path, 'is required (a whole number)');
  return id;
}

/** Ignored when the signed time lies further back than the replay window allows. */
function stale(timeMs: number, what: string, context: GithubContext): AdapterOutcome | undefined {
  const window = context.replayWindowMs;
  if (window === undefined || context.receivedAtMs - timeMs <= window) return undefined;
  return ignored(
    'stale-delivery',
    `${what} is dated ${new Date(timeMs).toISOString()}, more than ${window} ms before its delivery: a replay`,
  );
}

function repositoryEntity(reader: PayloadReader): EntityReference {
  return {
    tool: 'github',
    ref: reader.string('repository.full_name'),
    name: reader.string('repository.name'),
    topics: reader.optionalArray('repository.topics').filter((t): t is string => typeof t === 'string'),
  };
}

function resolveRepository(reader: PayloadReader, context: AdapterContext): MappedIdentity | UnmappedEntity {
  return context.identity.resolveProduct(repositoryEntity(reader));
}

function release(reader: PayloadReader, context: GithubContext): AdapterOutcome {
  const action = reader.string('action');
  if (action !== 'published') return ignored('unsupported-action', `release ${action} is not a publication`);
  // Drafts never reach `published`; pre-releases do, but a release candidate is not a product version.
  if (reader.optionalBoolean('release.prerelease') === true) {
    return ignored('unsupported-action', `release ${reader.string('release.tag_name')} is a pre-release`);
  }
  const identity = resolveRepository(reader, context);
  if (identity.status === 'unmapped') {
    return ignored(
      'not-a-data-product',
      `repository ${identity.ref} is not a mapped data-product repository`,
      [identity],
    );
  }
  const tag = reader.string('release.tag_name');
  const publishedAtMs = reader.optionalTimeMs('release.published_at');
  const timeMs = publishedAtMs ?? context.receivedAtMs;
  const replay = publishedAtMs === undefined ? undefined : stale(publishedAtMs, `release ${tag}`, context);
  if (replay) return replay;
  return produced([
    makeEvent.dataProductPublished(
      {
        productId: identity.productId,
        domain: identity.domain,
        name: reader.string('repository.name'),
        version: versionFromTag(tag),
        ownerTeam: identity.ownerTeam ?? reader.optionalString('repository.owner.login') ?? UNASSIGNED_TEAM,
        tier: identity.tier ?? 'standard',
      },
      {
        id: githubReleaseEventId(context.source, {
          repositoryId: numericId(reader, 'repository.id'),
          releaseId: numericId(reader, 'release.id'),
          action,
        }),
        source: context.source,
        timeMs,
      },
    ),
  ]);
}

function repository(reader: PayloadReader, context: GithubContext): AdapterOutcome {
  const action = reader.string('action');
  if (action !== 'archived')
    return ignored('unsupported-action', `repository ${action} does not change a product`);
  const identity = resolveRepository(reader, context);
  if (identity.status === 'unmapped') {
    return ignored(
      'not-a-data-product',
      `repository ${identity.ref} is not a mapped data-product repository`,
      [identity],
    );
  }
  const updatedAt = reader.string('repository.updated_at');
  const archivedAtMs = reader.optionalTimeMs('repository.updated_at') as number;
  const replay = stale(archivedAtMs, `archiving of ${reader.string('repository.full_name')}`, context);
  if (replay) return replay;
  return produced([
    makeEvent.dataProductRetired(
      {
        productId: identity.productId,
        domain: identity.domain,
        reason: `repository ${reader.string('repository.full_name')} archived on GitHub`,
      },
      {
        id: githubArchivingEventId(context.source, {
          repositoryId: numericId(reader, 'repository.id'),
          updatedAt,
        }),
        source: context.source,
        // Archiving updates the repository, so `updated_at` (signed) is when it happened: a replayed body
        // is dated as the original was, never now.
        timeMs: archivedAtMs,
      },
    ),
  ]);
}

/**
 * Maps one GitHub webhook delivery: `release` published in a data-product repository →
 * DataProductPublished (version from the tag, `v1.2.3` → `1.2.3`); `repository` archived →
 * DataProductRetired (dated `repository.updated_at`); `ping` → answered, no events; anything else ignored.
 * Event ids derive from the signed body alone (event-ids.ts). A repository is a data
 * product when the identity mapping resolves it (an explicit entry or its `mm-domain-<x>` topic).
 *
 * @throws AdapterPayloadError (MM_ERR_ADAPTER_PAYLOAD_INVALID, 400) naming a missing or mistyped field.
 */
export function mapGithubWebhook(delivery: GithubDelivery, context: GithubContext): AdapterOutcome {
  const reader = new PayloadReader('github', delivery.payload);
  switch (delivery.event) {
    case 'ping':
      return ignored(
        'ping',
        `ping for hook ${String(reader.get('hook_id') ?? '?')}: ${reader.optionalString('zen') ?? ''}`,
      );
    case 'release':
      return release(reader, context);
    case 'repository':
      return repository(reader, context);
    default:
      return ignored('unsupported-event', `GitHub event ${delivery.event} is not mapped`);
  }
}
