import { normalise } from '@mesh-momentum/scoring';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { DAY_MS } from './daily.ts';

/**
 * The forecast model (docs/scoring.md, "Forecast"). Time moves in whole days from asOf. Each future day
 * first decays the raw sum by `q = 2^(−1/H)` (H in days), then adds that day's contribution:
 *
 *     S_{h} = q · S_{h−1} + C_h,   S_0 = S(asOf)
 *
 * The contributions C_h are drawn, independently and with replacement, from the scope's own last N days
 * (a day bootstrap: quiet days, bursts and negative days keep their real frequencies; nothing assumes a
 * shape). Paths give the band; the mean also has a closed form, used by tests and by `expectedRaw`.
 */
export interface ForecastInput {
  /** The instant of the current score, ms since the epoch; day h of the forecast is asOf + h days. */
  readonly asOfMs: number;
  /** S(asOf): the raw decayed sum the score hash holds (`momentumRaw` or `valueRaw`). */
  readonly raw: number;
  /** H of the metric, days. */
  readonly halfLifeDays: number;
  /** K of the scope kind's normalisation (`N(S) = 100 · (1 − e^(−S/K))`), metric points. */
  readonly normalisationK: number;
  /** The last N days' contributions, any order (see dailyContributions). Empty: no events expected. */
  readonly recentDaily: readonly number[];
  /** Days to project, >= 1. */
  readonly horizonDays: number;
}

export interface ForecastOptions {
  /** Simulated paths. @defaultValue 500 (band quantiles to about ±2 percentile points) */
  readonly paths?: number;
  /** Lower and upper quantile of the band. @defaultValue [0.1, 0.9] (an 80 % band) */
  readonly band?: readonly [number, number];
  /** Seed of the generator, so the same input always gives the same forecast. @defaultValue 1 */
  readonly seed?: number;
}

export interface ForecastPoint {
  /** Days after asOf. */
  readonly day: number;
  readonly timeMs: number;
  /** Expected raw sum (closed form). */
  readonly expectedRaw: number;
  /** Normalised scores, 0..100: band low, median, band high (quantiles of the simulated paths). */
  readonly low: number;
  readonly median: number;
  readonly high: number;
}

export interface Forecast {
  readonly points: readonly ForecastPoint[];
  /** Simulated raw sums at the horizon, sorted ascending (what target checks count). */
  readonly rawAtDay: (day: number) => readonly number[];
}

export const DEFAULT_FORECAST_OPTIONS = { paths: 500, band: [0.1, 0.9], seed: 1 } as const;

/** Daily decay factor `q = 2^(−1/H)`. */
export function dailyDecay(halfLifeDays: number): number {
  return 2 ** (-1 / halfLifeDays);
}

/**
 * Closed-form expectation of S_h: `q^h · S_0 + μ · (1 − q^h) / (1 − q)`, μ the mean daily contribution.
 * Its variance is `σ² · (1 − q^{2h}) / (1 − q²)` (σ² of the days, taken as independent).
 */
export function expectedRaw(input: ForecastInput, day: number): number {
  const q = dailyDecay(input.halfLifeDays);
  const qh = q ** day;
  return qh * input.raw + meanOf(input.recentDaily) * ((1 - qh) / (1 - q));
}

export function rawVariance(input: ForecastInput, day: number): number {
  const q = dailyDecay(input.halfLifeDays);
  return varianceOf(input.recentDaily) * ((1 - q ** (2 * day)) / (1 - q * q));
}

export function forecast(input: ForecastInput, options: ForecastOptions = {}): Forecast {
  validate(input);
  const paths = options.paths ?? DEFAULT_FORECAST_OPTIONS.paths;
  const [lowQ, highQ] = options.band ?? DEFAULT_FORECAST_OPTIONS.band;
  const rng = xoroshiro128plus(options.seed ?? DEFAULT_FORECAST_OPTIONS.seed);
  const q = dailyDecay(input.halfLifeDays);
  const sample = input.recentDaily;
  const horizon = input.horizonDays;

  // byDay[h − 1][path]: one typed array per day, sorted afterwards for the quantiles.
  const byDay: Float64Array[] = Array.from({ length: horizon }, () => new Float64Array(paths));
  for (let p = 0; p < paths; p++) {
    let s = input.raw;
    for (let h = 0; h < horizon; h++) {
      s = q * s + (sample.length === 0 ? 0 : (sample[uniformInt(rng, 0, sample.length - 1)] as number));
      (byDay[h] as Float64Array)[p] = s;
    }
  }
  const k = input.normalisationK;
  const points: ForecastPoint[] = byDay.map((values, index) => {
    values.sort();
    const day = index + 1;
    return {
      day,
      timeMs: input.asOfMs + day * DAY_MS,
      expectedRaw: expectedRaw(input, day),
      low: normalise(quantileSorted(values, lowQ), k),
      median: normalise(quantileSorted(values, 0.5), k),
      high: normalise(quantileSorted(values, highQ), k),
    };
  });
  return {
    points,
    rawAtDay: (day) => {
      const values = byDay[day - 1];
      if (!values) throw new RangeError(`day ${day} is outside the forecast (1..${horizon})`);
      return Array.from(values);
    },
  };
}

/** Quantile of sorted values with linear interpolation between order statistics (type 7). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const a = sorted[lower] as number;
  const b = sorted[upper] as number;
  return a + (b - a) * (position - lower);
}

function validate(input: ForecastInput): void {
  if (!Number.isInteger(input.horizonDays) || input.horizonDays < 1) {
    throw new RangeError(`horizonDays must be a whole number >= 1, got ${input.horizonDays}`);
  }
  if (!(input.halfLifeDays > 0) || !(input.normalisationK > 0)) {
    throw new RangeError('halfLifeDays and normalisationK must be > 0');
  }
  if (!Number.isFinite(input.raw) || !input.recentDaily.every(Number.isFinite)) {
    throw new RangeError('raw and recentDaily must be finite numbers');
  }
}

function meanOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Population variance: the bootstrap draws from exactly these days. */
function varianceOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const mean = meanOf(values);
  let sum = 0;
  for (const v of values) sum += (v - mean) ** 2;
  return sum / values.length;
}
