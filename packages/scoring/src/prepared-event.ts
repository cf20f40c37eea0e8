import type { ScoringConfig } from './config.ts';
import { contributionOf, type Metric } from './contribution.ts';
import { anchoredWeight } from './decay.ts';
import { EVENT_TYPE_INDEX } from './event-type-index.ts';
import type { ScoringEvent } from './events.ts';
import { halfLifeMs } from './score.ts';
import { standingEntryOf, type StandingEntry } from './standing.ts';
import { dayIndexOf } from './time.ts';

/** What an event adds to any scope, computed once per event. */
export interface PreparedEvent {
  readonly timeMs: number;
  readonly day: number;
  readonly typeIndex: number;
  /** Anchored contribution per metric (`w · 2^((t − T0)/H)`). */
  readonly anchored: Readonly<Record<Metric, number>>;
  /** The event's own weights, before anchoring. */
  readonly weights: Readonly<Record<Metric, number>>;
  readonly positiveMomentum: boolean;
  readonly standing: { readonly key: string; readonly entry: StandingEntry } | undefined;
}

export function prepareEvent(event: ScoringEvent, config: ScoringConfig): PreparedEvent {
  const weights = contributionOf(event, config);
  const anchor = (metric: Metric) =>
    anchoredWeight(weights[metric], event.timeMs, config.anchorEpochMs, halfLifeMs(metric, config));
  return {
    timeMs: event.timeMs,
    day: dayIndexOf(event.timeMs),
    typeIndex: EVENT_TYPE_INDEX.get(event.type) as number,
    anchored: { momentum: anchor('momentum'), value: anchor('value') },
    weights: { momentum: weights.momentum, value: weights.value },
    positiveMomentum: weights.momentum > 0,
    standing: standingEntryOf(event),
  };
}
