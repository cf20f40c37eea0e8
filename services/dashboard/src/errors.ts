import { ErrorCodes, MeshMomentumError, type FieldIssue } from '@mesh-momentum/common';

/** A read-API request with a bad parameter or body; `issues` names each field (400). */
export class QueryInvalidError extends MeshMomentumError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[]) {
    super(
      ErrorCodes.QUERY_INVALID,
      `invalid request: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`,
    );
    this.issues = issues;
  }
}

/** A scope with no applied event in the current namespace (404). */
export class ScopeNotFoundError extends MeshMomentumError {
  readonly scopeId: string;

  constructor(scopeId: string) {
    super(ErrorCodes.SCOPE_NOT_FOUND, `no scores for ${scopeId}`);
    this.scopeId = scopeId;
  }
}
