import type { ScoringEvent } from '@mesh-momentum/scoring';
import type { SimulatedEvent } from './events.ts';

/**
 * The scoring view of simulated events, for tests that score a simulated programme in-process (the
 * processor's `toScoringEvent` does the same for validated wire events): `time` becomes `timeMs`, the
 * decimal string of a use case's value a number, the usage period's bounds `…Ms`.
 */
export function toScoringEvents(events: readonly SimulatedEvent[]): ScoringEvent[] {
  return events.map((event) => {
    const { time, subject: _subject, ...rest } = event;
    switch (rest.type) {
      case 'UseCaseDelivered':
        return { ...rest, timeMs: time, estimatedAnnualValue: Number(rest.estimatedAnnualValue) };
      case 'ProductUsageReported': {
        const { periodStart, periodEnd, ...usage } = rest;
        return { ...usage, timeMs: time, periodStartMs: periodStart, periodEndMs: periodEnd };
      }
      default:
        return { ...rest, timeMs: time } as ScoringEvent;
    }
  });
}
