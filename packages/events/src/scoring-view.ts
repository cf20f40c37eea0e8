import type { DomainEvent } from './generated/event-types.ts';
import type { ScoringEvent } from '@mesh-momentum/scoring';

/**
 * The scoring view of a validated domain event: the wire shape (times in `time`/`periodStart`, money as
 * a decimal string) renamed and converted to what packages/scoring works with (`timeMs`, numbers).
 * Pure; the same function feeds the processor and the in-process reference the tests compare with.
 */
export function toScoringEvent(event: DomainEvent): ScoringEvent {
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
}
