import type { DomainEvent } from './generated/event-types.ts';
import type { ScoringEvent } from '@mesh-momentum/scoring';

/**
 * The scoring view of a validated domain event: the wire shape (times in `time`/`periodStart`, money as
 * a decimal string) renamed and converted to what packages/scoring works with (`timeMs`, numbers).
 * Pure; the same function feeds the processor and the in-process reference the tests compare with.
 * Builds one new object per event (the rest of the destructuring, completed in place), not a rest
 * and a spread copy of it: the processor converts every event it applies.
 */
export function toScoringEvent(event: DomainEvent): ScoringEvent {
  switch (event.type) {
    case 'UseCaseDelivered': {
      const { time, subject: _subject, ...rest } = event;
      const view = rest as Omit<typeof rest, 'estimatedAnnualValue'> & {
        estimatedAnnualValue: string | number;
        timeMs?: number;
      };
      view.estimatedAnnualValue = Number(rest.estimatedAnnualValue);
      view.timeMs = time;
      return view as ScoringEvent;
    }
    case 'ProductUsageReported': {
      const { time, subject: _subject, periodStart, periodEnd, ...rest } = event;
      const view: typeof rest & { timeMs?: number; periodStartMs?: number; periodEndMs?: number } = rest;
      view.timeMs = time;
      view.periodStartMs = periodStart;
      view.periodEndMs = periodEnd;
      return view as ScoringEvent;
    }
    default: {
      const { time, subject: _subject, ...rest } = event;
      const view: typeof rest & { timeMs?: number } = rest;
      view.timeMs = time;
      return view as ScoringEvent;
    }
  }
}
