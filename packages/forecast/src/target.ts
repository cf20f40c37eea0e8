import { normalise } from '@mesh-momentum/scoring';
import { DAY_MS } from './daily.ts';
import { forecast, type ForecastInput, type ForecastOptions } from './projection.ts';

/** A programme lead's goal for one scope: reach `level` (0..100) of `metric` by `dateMs`. */
export interface Target {
  readonly metric: 'momentum' | 'value';
  /** Normalised score to reach, 0..100. */
  readonly level: number;
  /** The day the level must be reached, ms since the epoch (judged on that UTC day's forecast). */
  readonly dateMs: number;
}

export type TargetStatus = 'on-track' | 'off-track' | 'met' | 'missed';

export interface TargetCheck {
  readonly status: TargetStatus;
  /** Probability (0..1) that the score is at or above the level on the date; 0 or 1 once the date passed. */
  readonly probability: number;
  /** Median forecast score on the date (the current score when the date has passed). */
  readonly expectedScore: number;
}

/** A target counts as on track when at least this share of the simulated paths reach it. */
export const ON_TRACK_PROBABILITY = 0.5;

/** Longest horizon a target may be judged over, days (longer forecasts say nothing useful). */
export const MAX_TARGET_HORIZON_DAYS = 730;

/**
 * Judges a target against the forecast of its metric. A date already past (or today) is judged on the
 * current score: met or missed. Otherwise the share of simulated paths at or above the level on the date
 * is the probability, and the target is on track when it is at least ON_TRACK_PROBABILITY.
 */
export function checkTarget(
  target: Target,
  input: Omit<ForecastInput, 'horizonDays'>,
  options: ForecastOptions = {},
): TargetCheck {
  const current = normalise(input.raw, input.normalisationK);
  const days = Math.ceil((target.dateMs - input.asOfMs) / DAY_MS);
  if (days < 1) {
    const met = current >= target.level;
    return { status: met ? 'met' : 'missed', probability: met ? 1 : 0, expectedScore: current };
  }
  const horizonDays = Math.min(days, MAX_TARGET_HORIZON_DAYS);
  const result = forecast({ ...input, horizonDays }, options);
  const raws = result.rawAtDay(horizonDays);
  let reached = 0;
  for (const raw of raws) if (normalise(raw, input.normalisationK) >= target.level) reached++;
  const probability = reached / raws.length;
  const point = result.points[horizonDays - 1];
  return {
    status: probability >= ON_TRACK_PROBABILITY ? 'on-track' : 'off-track',
    probability,
    expectedScore: point ? point.median : current,
  };
}
