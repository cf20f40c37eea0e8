/**
 * The vocabulary of the alerter: what a scope looks like to it, what one evaluation observes, what it
 * remembers per alert, and what it decides to tell. Times are ms since the epoch (UTC), durations ms.
 */

export type ScopeKind = 'product' | 'domain' | 'mesh';

/** Which scope an alert is about; `domain` is absent only for the mesh. */
export interface AlertScope {
  readonly kind: ScopeKind;
  readonly domain?: string;
  readonly productId?: string;
  /** The owning team of a product (from its DataProductPublished), when known: a grouping key. */
  readonly ownerTeam?: string;
}

/** One rule that holds, as the stall definition reports it (packages/scoring `StallFinding`). */
export interface Finding {
  readonly rule: string;
  readonly value: number;
  readonly threshold: number;
}

/** An event that moved the score (the store's movers). */
export interface TopEvent {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly timeMs: number;
  /** Momentum weight before decay. */
  readonly weight: number;
}

/**
 * What one evaluation sees of one scope: the stall verdict of the one definition (read from the score
 * hashes, never recomputed here) and the facts that become evidence.
 */
export interface Observation {
  readonly scope: AlertScope;
  readonly stalled: boolean;
  /** The first rule that holds (`inactivity`, `broken-rhythm`, `low-momentum`, `decline`). */
  readonly reason?: string;
  /** Every rule that holds with its value and threshold, when the reader has them. */
  readonly findings?: readonly Finding[];
  /** Normalised momentum 0..100 as of `asOfMs`. */
  readonly momentum: number;
  /** Change of normalised momentum over 7 and 30 days, points. */
  readonly trend7: number;
  readonly trend30: number;
  /** Time of the latest momentum-building event. */
  readonly lastMomentumEventMs?: number;
  /** Since when the processor has found the scope stalled without interruption (score hash `stalledSinceMs`). */
  readonly stalledSinceMs?: number;
  /** The event time the score is as of. */
  readonly asOfMs: number;
  /** Largest contributions to momentum, largest first. */
  readonly topEvents?: readonly TopEvent[];
}

export const ALERT_STATES = ['inactive', 'pending', 'firing', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATES)[number];

/**
 * What the alerter remembers of one alert (one rule × one scope), kept in Redis between evaluations.
 * JSON-serialisable: numbers and strings only.
 */
export interface AlertState {
  readonly fingerprint: string;
  readonly rule: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly status: AlertStatus;
  /** When the condition started to hold for this episode (pending since). */
  readonly activeSinceMs: number;
  /** When the alert went firing (Alertmanager `startsAt`); absent before. */
  readonly firingSinceMs?: number;
  /** The latest evaluation at which the condition held. */
  readonly lastTrueMs: number;
  /** When the alert resolved (Alertmanager `endsAt`). */
  readonly resolvedAtMs?: number;
  /** The latest firing notification decided for this episode (repeat interval counts from it). */
  readonly lastNotifiedMs?: number;
  /** Notifications decided for this alert so far, all episodes: part of each idempotency key. */
  readonly notifications: number;
  /** The latest observation's evidence, so a resolution can say what it was about. */
  readonly evidence: Evidence;
}

/** What an alert's evidence says of the pause that holds its scope (packages/alerting `Pause`). */
export interface PauseNote {
  /** The paused scope (`mesh`, `domain:<d>`, `product:<d>/<p>`): the alert's own, or one containing it. */
  readonly scopeKey: string;
  readonly reason: string;
  readonly createdBy: string;
  readonly sinceMs: number;
  readonly untilMs?: number;
}

export interface Evidence {
  /** Name of the alert rule (`DomainMomentumStalled`, ...). */
  readonly rule: string;
  /** The stall rule that holds first, and every finding with its value and threshold. */
  readonly stallReason?: string;
  readonly findings: readonly Finding[];
  readonly momentum: number;
  readonly trend7: number;
  readonly trend30: number;
  readonly lastMomentumEventMs?: number;
  /** Whole days since the last momentum-building event, as of the score. */
  readonly silenceDays?: number;
  /** Since when the scope has been stalled without interruption, as the processor recorded it. */
  readonly stalledSinceMs?: number;
  readonly topEvents: readonly TopEvent[];
  /** The scope's dashboard page. */
  readonly dashboardUrl: string;
  readonly asOfMs: number;
  /**
   * Why the scope is not judged: `paused` (as packages/scoring's `stallOf` says of a paused scope), set
   * on the evidence of an alert resolved because its scope was paused.
   */
  readonly exemption?: 'paused';
  /** The pause that holds the scope, with `exemption: 'paused'`. */
  readonly pause?: PauseNote;
}

export type NotificationStatus = 'firing' | 'resolved';

/** One alert inside a notification. */
export interface NotifiedAlert {
  readonly fingerprint: string;
  readonly status: NotificationStatus;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAtMs: number;
  readonly endsAtMs?: number;
  readonly evidence: Evidence;
  /** True when this is a repeat of a firing notification (repeat interval). */
  readonly repeat: boolean;
}

/** One message to the people of one group (a domain or an owner team), sent to every channel. */
export interface Notification {
  /** Stable per notification: the same decision always yields the same key; receivers de-duplicate on it. */
  readonly idempotencyKey: string;
  /** `domain=<d>` or `owner_team=<t>`. */
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  /** `firing` when any alert in it fires. */
  readonly status: NotificationStatus;
  readonly alerts: readonly NotifiedAlert[];
  readonly decidedAtMs: number;
}
