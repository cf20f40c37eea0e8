import { ErrorCodes, isRetriableHttpStatus, MeshMomentumError } from '@mesh-momentum/common';

/** `pnpm ingest:import` was given a tool, option or value it cannot use; `field` names it (`--since`). */
export class ImportArgumentError extends MeshMomentumError {
  readonly field: string;

  constructor(field: string, reason: string) {
    super(ErrorCodes.IMPORT_ARGUMENT_INVALID, `${field}: ${reason}`);
    this.field = field;
  }
}

/**
 * A tool's API failed the import. Retriable (`retriable` true) for a timeout, a network error and a
 * retriable status (`isRetriableHttpStatus`: 408, 425, 429, 5xx) that outlasted the retries; not for other
 * answers (401: the token, 404: the owner or the URL).
 */
export class ImportSourceError extends MeshMomentumError {
  readonly url: string;
  /** The HTTP status, when the tool answered. */
  readonly status: number | undefined;

  constructor(url: string, status: number | undefined, detail: string, options: { cause?: unknown } = {}) {
    super(ErrorCodes.IMPORT_SOURCE_FAILED, `GET ${url}: ${detail}`, {
      ...options,
      retriable: status === undefined || isRetriableHttpStatus(status),
    });
    this.url = url;
    this.status = status;
  }
}
