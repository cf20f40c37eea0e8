import { deterministicEventId } from '../ids.ts';

/**
 * What names one GitHub release's publication: fields of the signed webhook body, which the REST API
 * (`GET /repos/{owner}/{repo}/releases`, `GET /repos/{owner}/{repo}`) gives alike.
 */
export interface GithubReleaseIdentity {
  /** `repository.id`: numeric, kept across renames and transfers (the full name is not). */
  readonly repositoryId: number;
  /** `release.id`: numeric id of the release. */
  readonly releaseId: number;
  /** The webhook's `action`; an import of published releases passes `published`. */
  readonly action: string;
}

/**
 * The event id of the DataProductPublished a GitHub release yields, from `repository.id`, `release.id` and
 * the webhook's `action` only: never from `X-GitHub-Delivery`, which is not signed, so a captured body
 * replayed under a fresh delivery id maps to the same id and the processor counts it once. The same
 * function serves the live webhook and a history import, so a release imported and also delivered by
 * webhook counts once.
 */
export function githubReleaseEventId(source: string, release: GithubReleaseIdentity): string {
  return deterministicEventId(
    source,
    `github-release:${release.repositoryId}:${release.releaseId}`,
    `${release.action}:DataProductPublished`,
  );
}

/** What names one archiving of a GitHub repository, from the signed `repository` webhook body. */
export interface GithubArchivingIdentity {
  /** `repository.id`. */
  readonly repositoryId: number;
  /** `repository.updated_at` as sent (RFC 3339): when it was archived, telling apart archivings of one repository. */
  readonly updatedAt: string;
}

/**
 * The event id of the DataProductRetired a `repository archived` delivery yields, from `repository.id` and
 * `repository.updated_at` (both signed), so a replayed body maps to the same id.
 */
export function githubArchivingEventId(source: string, archiving: GithubArchivingIdentity): string {
  return deterministicEventId(
    source,
    `github-repository:${archiving.repositoryId}:${archiving.updatedAt}`,
    'archived:DataProductRetired',
  );
}
