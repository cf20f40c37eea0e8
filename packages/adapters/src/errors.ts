import { MeshMomentumError, type ErrorCode } from '@mesh-momentum/common';

/**
 * Codes of adapter failures. They live here until `ErrorCodes` in packages/common (a closed union this
 * package may not extend) takes them; docs/adapters/errors.md documents them and a test keeps the two in
 * step.
 */
export const AdapterErrorCodes = {
  MAPPING_INVALID: 'MM_ERR_MAPPING_INVALID',
  PAYLOAD_INVALID: 'MM_ERR_ADAPTER_PAYLOAD_INVALID',
} as const;

export type AdapterErrorCode = (typeof AdapterErrorCodes)[keyof typeof AdapterErrorCodes];

/** One problem in a mapping or identity file: the entry it belongs to and, for YAML, its line (1-based). */
export interface MappingIssue {
  readonly entry: string;
  readonly line?: number;
  readonly reason: string;
}

function describe(issue: MappingIssue): string {
  return `${issue.entry}${issue.line === undefined ? '' : ` (line ${issue.line})`}: ${issue.reason}`;
}

/**
 * A mapping file (generic webhook mapping, identity mapping) that cannot be used. Raised at load, so a
 * service refuses to start; HTTP 500 if it ever reaches a request. Never retriable.
 */
export class MappingInvalidError extends MeshMomentumError {
  readonly file: string;
  readonly issues: readonly MappingIssue[];
  readonly httpStatus = 500;

  constructor(file: string, issues: readonly MappingIssue[]) {
    // The one bridge to the common union (see AdapterErrorCodes).
    super(
      AdapterErrorCodes.MAPPING_INVALID as unknown as ErrorCode,
      `invalid mapping ${file}: ${issues.map(describe).join('; ')}`,
    );
    this.file = file;
    this.issues = issues;
  }
}

/**
 * A tool's payload that lacks a field the adapter needs, or has it of the wrong type. Answer 400: the
 * same payload fails the same way, so it is never retriable. `field` is a dotted path into the payload.
 */
export class AdapterPayloadError extends MeshMomentumError {
  readonly tool: string;
  readonly field: string;
  readonly httpStatus = 400;

  constructor(tool: string, field: string, reason: string, options: { cause?: unknown } = {}) {
    super(
      AdapterErrorCodes.PAYLOAD_INVALID as unknown as ErrorCode,
      `${tool} payload: ${field}: ${reason}`,
      options,
    );
    this.tool = tool;
    this.field = field;
  }
}
