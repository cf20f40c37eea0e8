import { checkTarget, forecast, type Forecast } from '@mesh-momentum/forecast';
import { dayIndexOf, type ScopeKind, type ScoringConfig } from '@mesh-momentum/scoring';
import type { DomainScope, Mover } from '@mesh-momentum/store';
import { dailyHistory, dayBucketsOf, recentDaily, type HistoryPoint } from './history.ts';
import type { StoredTarget } from './targets.ts';
import type { ScopeView } from './views.ts';

/** What one scope's page shows: its scores, history, forecast, targets and explanation. */
export interface ScopeDetail {
  readonly scope: ScopeView;
  readonly history: readonly HistoryPoint[];
  readonly forecast: {
    readonly momentum: readonly ForecastRow[];
    readonly value: readonly ForecastRow[];
  };
  readonly targets: readonly TargetView[];
  /** The events that moved each metric most, with their contribution decayed to asOf. */
  readonly movers: { readonly momentum: readonly MoverView[]; readonly value: readonly MoverView[] };
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
  readonly aggregateFields: Readonly<Record<string, string>>;
  readonly raw: { readonly momentum: number; readonly value: number };
  readonly movers: { readonly momentum: readonly Mover[]; readonly value: readonly Mover[] };
  readonly targets: readonly StoredTarget[];
  readonly historyDays: number;
  readonly horizonDays: number;
  readonly config: ScoringConfig;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** Pure: builds the detail answer from what the store returned. */
export function buildDetail(input: DetailInput): ScopeDetail {
  const { view, config, kind } = input;
  const buckets = dayBucketsOf(input.aggregateFields);
  const lastDay = dayIndexOf(view.asOfMs);
  const history = dailyHistory(buckets, lastDay, input.historyDays, config, kind).map((p) => ({
    dayMs: p.dayMs,
    momentum: r2(p.momentum),
    value: r2(p.value),
  }));
  const inputOf = (metric: 'momentum' | 'value') => ({
    asOfMs: view.asOfMs,
    raw: input.raw[metric],
    halfLifeDays: config[metric].halfLifeDays,
    normalisationK: config[metric].normalisationK[kind],
    recentDaily: recentDaily(buckets, metric, lastDay, config),
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
  };
}

export function domainScopeOf(view: ScopeView): DomainScope {
  return view.kind === 'product' ? { kind: 'product', productId: view.productId ?? '' } : { kind: 'domain' };
}
