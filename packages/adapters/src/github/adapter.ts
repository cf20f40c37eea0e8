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
  /** `X-GitHub-Delivery`: a GUID that stays the same when a delivery is redelivered. */
  readonly deliveryId: string;
  /** The parsed JSON body. */
  readonly payload: unknown;
}

/** The payload's numeric id at `path` (`repository.id`, `release.id`). */
function numericId(reader: PayloadReader, path: string): number {
  const id = reader.optionalNumber(path);
  if (id === undefined || !Number.isSafeInteger(id))
    throw new AdapterPayloadError('github', path, 'is required (a whole number)');
  return id;
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

function release(reader: PayloadReader, context: AdapterContext): AdapterOutcome {
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
  const timeMs = reader.optionalTimeMs('release.published_at') ?? context.receivedAtMs;
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

function repository(reader: PayloadReader, context: AdapterContext): AdapterOutcome {
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
          updatedAt: reader.string('repository.updated_at'),
        }),
        source: context.source,
        // Archiving updates the repository, so `updated_at` is when it happened (GitHub gives no archive
        // date): a history import reading the archived repository dates it the same, with the same id.
        timeMs: reader.optionalTimeMs('repository.updated_at') as number,
      },
    ),
  ]);
}

/**
 * Maps one GitHub webhook delivery: `release` published in a data-product repository →
 * DataProductPublished (version from the tag, `v1.2.3` → `1.2.3`); `repository` archived →
 * DataProductRetired; `ping` → answered, no events; anything else ignored. A repository is a data
 * product when the identity mapping resolves it (an explicit entry or its `mm-domain-<x>` topic).
 *
 * @throws AdapterPayloadError (MM_ERR_ADAPTER_PAYLOAD_INVALID, 400) naming a missing or mistyped field.
 */
export function mapGithubWebhook(delivery: GithubDelivery, context: AdapterContext): AdapterOutcome {
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
