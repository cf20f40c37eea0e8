import { ErrorCodes, MeshMomentumError } from '@mesh-momentum/common';

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

  constructor(file: string, issues: readonly MappingIssue[]) {
    super(ErrorCodes.MAPPING_INVALID, `invalid mapping ${file}: ${issues.map(describe).join('; ')}`);
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

  constructor(tool: string, field: string, reason: string, options: { cause?: unknown } = {}) {
    super(ErrorCodes.ADAPTER_PAYLOAD_INVALID, `${tool} payload: ${field}: ${reason}`, options);
    this.tool = tool;
    this.field = field;
  }
}
