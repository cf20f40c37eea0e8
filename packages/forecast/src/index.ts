/**
 * @mesh-momentum/forecast — pure: scores projected forward from their decayed state and the scope's recent
 * daily contributions, with a band, and targets judged against it. No I/O, no clock. docs/scoring.md,
 * "Forecast", describes the model.
 */
export { DAY_MS, dailyContributions } from './daily.ts';
export {
  DEFAULT_FORECAST_OPTIONS,
  dailyDecay,
  expectedRaw,
  forecast,
  quantileSorted,
  rawVariance,
  type Forecast,
  type ForecastInput,
  type ForecastOptions,
  type ForecastPoint,
} from './projection.ts';
export {
  MAX_TARGET_HORIZON_DAYS,
  ON_TRACK_PROBABILITY,
  checkTarget,
  type Target,
  type TargetCheck,
  type TargetStatus,
} from './target.ts';
