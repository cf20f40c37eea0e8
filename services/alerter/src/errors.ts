import { ErrorCodes, MeshMomentumError, type FieldIssue } from '@mesh-momentum/common';

/**
 * This instance no longer holds the notifier lease: another one notifies now (Redis refused a write
 * carrying an outdated epoch), or may soon (`lapsed`: the lease was not renewed in time, so no send may
 * start).
 */
export class AlerterFencedError extends MeshMomentumError {
  readonly epoch: number;
  readonly lapsed: boolean;
  constructor(epoch: number, options: { lapsed?: boolean } = {}) {
    super(
      ErrorCodes.ALERTER_FENCED,
      options.lapsed === true
        ? `notifier lease (epoch ${epoch}) lapsed: not renewed in time, so no send may start`
        : `notifier epoch ${epoch} is outdated: another alerter holds the lease`,
    );
    this.epoch = epoch;
    this.lapsed = options.lapsed === true;
  }
}

export class SilenceInvalidError extends MeshMomentumError {
  readonly issues: readonly FieldIssue[];
  constructor(issues: readonly FieldIssue[]) {
    super(
      ErrorCodes.SILENCE_INVALID,
      `invalid silence: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`,
    );
    this.issues = issues;
  }
}

export class SilenceNotFoundError extends MeshMomentumError {
  readonly silenceId: string;
  constructor(silenceId: string) {
    super(ErrorCodes.SILENCE_NOT_FOUND, `no silence ${JSON.stringify(silenceId)}`);
    this.silenceId = silenceId;
  }
}

export class PauseInvalidError extends MeshMomentumError {
  readonly issues: readonly FieldIssue[];
  constructor(issues: readonly FieldIssue[]) {
    super(
      ErrorCodes.PAUSE_INVALID,
      `invalid pause: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`,
    );
    this.issues = issues;
  }
}

export class PauseNotFoundError extends MeshMomentumError {
  readonly scopeKey: string;
  constructor(scopeKey: string) {
    super(ErrorCodes.PAUSE_NOT_FOUND, `scope ${JSON.stringify(scopeKey)} is not paused`);
    this.scopeKey = scopeKey;
  }
}

/** A silence or pause write reached a read-only alerter (MM_ALERTER_ADMIN_WRITES=false). */
export class AlerterWritesDisabledError extends MeshMomentumError {
  constructor() {
    super(
      ErrorCodes.ALERTER_WRITES_DISABLED,
      'silences and pauses are read-only on this alerter (MM_ALERTER_ADMIN_WRITES=false)',
    );
  }
}

/** A receiver refused or failed one delivery; `retriable` says whether trying again can help. */
export class DeliveryFailedError extends MeshMomentumError {
  readonly channel: string;
  /** The receiver's HTTP status, when it answered. */
  readonly status: number | undefined;
  constructor(
    channel: string,
    message: string,
    options: { retriable: boolean; status?: number; cause?: unknown },
  ) {
    super(ErrorCodes.DELIVERY_FAILED, `${channel}: ${message}`, options);
    this.channel = channel;
    this.status = options.status;
  }
}
