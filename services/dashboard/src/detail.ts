import { checkTarget, dailyContributions, forecast, type Forecast } from '@mesh-momentum/forecast';
import type { ScopeKind, ScoringConfig } from '@mesh-momentum/scoring';
import type { Mover, ScopeRef } from '@mesh-momentum/store';
import type { ScopeAlertDetail } from './alerts.ts';
import type { DayScores } from './store-access.ts';
import type { StoredTarget } from './targets.ts';
import type { ScopeView } from './views.ts';

/** What one scope's page shows: its scores, history, forecast, targets and explanation. */
export interface ScopeDetail {
  readonly scope: ScopeView;
  readonly history: readonly { readonly dayMs: number; readonly momentum: number; readonly value: number }[];
  readonly forecast: {
    readonly momentum: readonly ForecastRow[];
    readonly value: readonly ForecastRow[];
  };
  readonly targets: readonly TargetView[];
  /** The events that moved each metric most, with their contribution decayed to asOf. */
  readonly movers: { readonly momentum: readonly MoverView[]; readonly value: readonly MoverView[] };
  /** The scope's alert state (the alerter's), when the caller read it. */
  readonly alert?: ScopeAlertDetail;
}

export interface ForecastRow {
  readonly timeMs: number;
  readonly low: number;
  readonly median: number;
  readonly high: number;
}

export interface TargetView extends StoredTarget {
  readonly status: string;
  readonly probability: number;
  readonly expectedScore: number;
}

export interface MoverView extends Mover {
  /** `weight · 2^(−(asOf − t_e)/H)`: what the event still adds to the raw sum at asOf (points). */
  readonly contribution: number;
}

export interface DetailInput {
  readonly view: ScopeView;
  readonly kind: ScopeKind;
  /**
   * The scope's daily history (store-access `history`), at least `historyDays` and FORECAST_SAMPLE_DAYS + 2
   * days long: the last days' raw sums are the forecast's sample.
   */
  readonly days: readonly DayScores[];
  readonly raw: { readonly momentum: number; readonly value: number };
  readonly movers: { readonly momentum: readonly Mover[]; readonly value: readonly Mover[] };
  readonly targets: readonly StoredTarget[];
  readonly historyDays: number;
  readonly horizonDays: number;
  readonly config: ScoringConfig;
  readonly alert?: ScopeAlertDetail;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** Recent days the forecast resamples (docs/scoring.md, "Forecast"). */
export const FORECAST_SAMPLE_DAYS = 56;

/** Days of history a detail needs to read: what it shows, and the forecast's sample (+2, see below). */
export const daysToRead = (historyDays: number): number => Math.max(historyDays, FORECAST_SAMPLE_DAYS + 2);

/** Pure: builds the detail answer from what the store returned. */
export function buildDetail(input: DetailInput): ScopeDetail {
  const { view, config, kind } = input;
  const history = input.days.slice(-input.historyDays).map((p) => ({
    dayMs: p.dayMs,
    momentum: r2(p.momentum),
    value: r2(p.value),
  }));
  // Complete days only: the last point is today's, at asOf rather than at the end of the day.
  const complete = input.days.slice(-(FORECAST_SAMPLE_DAYS + 2), -1);
  const sample = (metric: 'momentum' | 'value') =>
    dailyContributions(
      complete.map((p) => (metric === 'momentum' ? p.momentumRaw : p.valueRaw)),
      config[metric].halfLifeDays,
    );
  const inputOf = (metric: 'momentum' | 'value') => ({
    asOfMs: view.asOfMs,
    raw: input.raw[metric],
    halfLifeDays: config[metric].halfLifeDays,
    normalisationK: config[metric].normalisationK[kind],
    recentDaily: sample(metric),
  });
  const rows = (f: Forecast): ForecastRow[] =>
    f.points.map((p) => ({ timeMs: p.timeMs, low: r2(p.low), median: r2(p.median), high: r2(p.high) }));
  const moverViews = (metric: 'momentum' | 'value'): MoverView[] =>
    input.movers[metric].map((m) => ({
      ...m,
      contribution: r2(
        m.weight * 2 ** -((view.asOfMs - m.timeMs) / (config[metric].halfLifeDays * 86_400_000)),
      ),
    }));
  return {
    scope: view,
    history,
    forecast: {
      momentum: rows(forecast({ ...inputOf('momentum'), horizonDays: input.horizonDays })),
      value: rows(forecast({ ...inputOf('value'), horizonDays: input.horizonDays })),
    },
    targets: input.targets.map((t) => {
      const check = checkTarget({ metric: t.metric, level: t.level, dateMs: t.dateMs }, inputOf(t.metric));
      return { ...t, ...check, probability: r2(check.probability), expectedScore: r2(check.expectedScore) };
    }),
    movers: { momentum: moverViews('momentum'), value: moverViews('value') },
    ...(input.alert === undefined ? {} : { alert: input.alert }),
  };
}

export function refOf(view: ScopeView): ScopeRef {
  if (view.kind === 'mesh') return { kind: 'mesh' };
  return view.kind === 'domain'
    ? { kind: 'domain', domain: view.domain ?? '' }
    : { kind: 'product', domain: view.domain ?? '', productId: view.productId ?? '' };
}
