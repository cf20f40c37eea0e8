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

/** An owner team that no data product in the current namespace names (404). */
export class TeamNotFoundError extends MeshMomentumError {
  readonly team: string;

  constructor(team: string) {
    super(ErrorCodes.TEAM_NOT_FOUND, `no data product is owned by team ${JSON.stringify(team)}`);
    this.team = team;
  }
}

/** An alert fingerprint the alerter's state does not hold (404). */
export class AlertNotFoundError extends MeshMomentumError {
  readonly fingerprint: string;

  constructor(fingerprint: string) {
    super(ErrorCodes.ALERT_NOT_FOUND, `the alerter holds no alert ${JSON.stringify(fingerprint)}`);
    this.fingerprint = fingerprint;
  }
}

/** As many event streams are open as the dashboard serves (`MM_DASHBOARD_SSE_MAX_CLIENTS`): 503, retriable. */
export class SseClientLimitError extends MeshMomentumError {
  readonly maxClients: number;
  /** What the answer's Retry-After says, s. */
  readonly retryAfterS: number;

  constructor(maxClients: number, retryAfterS: number) {
    super(
      ErrorCodes.SSE_TOO_MANY_CLIENTS,
      `${maxClients} event streams are open, the most this dashboard serves; try again in ${retryAfterS} s`,
    );
    this.maxClients = maxClients;
    this.retryAfterS = retryAfterS;
  }
}

/** One client address holds `MM_DASHBOARD_SSE_MAX_PER_CLIENT` event streams already: 429, retriable. */
export class SsePerClientLimitError extends MeshMomentumError {
  readonly maxPerClient: number;
  /** What the answer's Retry-After says, s. */
  readonly retryAfterS: number;

  constructor(maxPerClient: number, retryAfterS: number) {
    super(
      ErrorCodes.SSE_TOO_MANY_PER_CLIENT,
      `this client holds ${maxPerClient} event streams, the most this dashboard gives one client; close one or try again in ${retryAfterS} s`,
    );
    this.maxPerClient = maxPerClient;
    this.retryAfterS = retryAfterS;
  }
}

/** A target write to a dashboard started with `MM_DASHBOARD_TARGET_WRITES=false` (403). */
export class TargetWritesDisabledError extends MeshMomentumError {
  constructor() {
    super(
      ErrorCodes.TARGET_WRITES_DISABLED,
      'targets are read-only on this dashboard (MM_DASHBOARD_TARGET_WRITES=false)',
    );
  }
}

/** A dashboard read without a read token or a trusted auth proxy's user, where reads need one (401). */
export class DashboardUnauthenticatedError extends MeshMomentumError {
  readonly field = 'authorization';

  constructor(reason: string) {
    super(ErrorCodes.DASHBOARD_UNAUTHENTICATED, `authorization: ${reason}`);
  }
}
