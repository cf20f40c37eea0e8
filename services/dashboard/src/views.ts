import type { StoredScore } from '@mesh-momentum/store';

/**
 * What the read API answers, mapped from the stored scores (pure). A scope id is `mesh`,
 * `domain:<domain>` or `product:<domain>/<productId>`.
 */
export type ScopeKindName = 'mesh' | 'domain' | 'product';

export interface ScopeView {
  readonly id: string;
  readonly kind: ScopeKindName;
  readonly domain: string | undefined;
  readonly productId: string | undefined;
  readonly asOfMs: number;
  readonly momentum: number;
  readonly value: number;
  readonly momentumTrend7: number;
  readonly momentumTrend30: number;
  readonly valueTrend7: number;
  readonly valueTrend30: number;
  /** Raw decayed sums S(asOf), unrounded: what forecasts start from. */
  readonly momentumRaw: number;
  readonly valueRaw: number;
  readonly quadrant: string;
  readonly stalled: boolean;
  readonly stallReason: string | undefined;
  readonly lastEventMs: number | undefined;
  readonly lastPositiveEventMs: number | undefined;
  readonly eventCount: number;
  /** Events per type in the last 7/30/90 UTC days, zero counts left out. */
  readonly counts: Record<string, Record<string, number>>;
  readonly standing: StoredScore['standing'];
  /** Current consumers (standing), what the quadrant chart sizes points by. */
  readonly consumers: number;
  /**
   * The owner team of a data product (its latest DataProductPublished); undefined for domains, the mesh,
   * a product never published and scores written before the processor kept the field.
   */
  readonly ownerTeam: string | undefined;
}

export function scopeId(kind: ScopeKindName, domain?: string, productId?: string): string {
  if (kind === 'mesh') return 'mesh';
  return kind === 'domain' ? `domain:${domain ?? ''}` : `product:${domain ?? ''}/${productId ?? ''}`;
}

/** Rounds to 0.01 point: the API is for people and charts, and 17 digits cost bytes on 10k rows. */
const r2 = (x: number) => Math.round(x * 100) / 100;

export function toView(
  kind: ScopeKindName,
  score: StoredScore,
  domain?: string,
  productId?: string,
): ScopeView {
  const counts: Record<string, Record<string, number>> = {};
  for (const [window, byType] of Object.entries(score.counts)) {
    counts[window] = Object.fromEntries(Object.entries(byType).filter(([, n]) => n > 0));
  }
  return {
    id: scopeId(kind, domain, productId),
    kind,
    domain,
    productId,
    asOfMs: score.asOfMs,
    momentum: r2(score.momentum.score),
    value: r2(score.value.score),
    momentumTrend7: r2(score.momentum.trend7),
    momentumTrend30: r2(score.momentum.trend30),
    valueTrend7: r2(score.value.trend7),
    valueTrend30: r2(score.value.trend30),
    momentumRaw: score.momentum.raw,
    valueRaw: score.value.raw,
    quadrant: score.quadrant,
    stalled: score.stalled,
    stallReason: score.stallReason,
    lastEventMs: score.lastEventMs,
    lastPositiveEventMs: score.lastPositiveEventMs,
    eventCount: score.eventCount,
    counts,
    standing: score.standing,
    consumers: score.standing.consumers,
    ownerTeam: kind === 'product' ? score.ownerTeam : undefined,
  };
}

/**
 * "At risk": not stalled yet, but momentum fell by at least this many points over 30 days. The stall
 * rules (docs/scoring.md) decide `stalled`; this only orders the watch list.
 */
export const AT_RISK_FALL_POINTS = 10;

export function isAtRisk(view: ScopeView): boolean {
  return !view.stalled && view.momentumTrend30 <= -AT_RISK_FALL_POINTS;
}

export const SORT_FIELDS = [
  'momentum',
  'value',
  'momentumTrend7',
  'momentumTrend30',
  'eventCount',
  'id',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export interface ListQuery {
  readonly domain?: string | undefined;
  /** Only products of this owner team; `''`: only products without an owner team. */
  readonly ownerTeam?: string | undefined;
  readonly quadrant?: string | undefined;
  readonly stalled?: boolean | undefined;
  readonly sort: SortField;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly offset: number;
}

export interface Page<T> {
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly items: readonly T[];
}

/** Filters, sorts (ties by id, so pages are stable) and slices. */
export function listScopes(views: readonly ScopeView[], query: ListQuery): Page<ScopeView> {
  const filtered = views.filter(
    (v) =>
      (query.domain === undefined || v.domain === query.domain) &&
      (query.ownerTeam === undefined || (v.ownerTeam ?? '') === query.ownerTeam) &&
      (query.quadrant === undefined || v.quadrant === query.quadrant) &&
      (query.stalled === undefined || v.stalled === query.stalled),
  );
  const sign = query.order === 'asc' ? 1 : -1;
  const key = query.sort;
  // Code-unit order for ids, not localeCompare: ~50× cheaper, and 10k products are sorted per request.
  const byId = (a: ScopeView, b: ScopeView) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  filtered.sort((a, b) => {
    const primary = key === 'id' ? byId(a, b) : a[key] - b[key];
    return primary !== 0 ? sign * primary : byId(a, b);
  });
  return {
    total: filtered.length,
    offset: query.offset,
    limit: query.limit,
    items: filtered.slice(query.offset, query.offset + query.limit),
  };
}

/** The columns of a CSV export of scopes, in order. */
export const CSV_COLUMNS = [
  'id',
  'kind',
  'domain',
  'productId',
  'momentum',
  'value',
  'momentumTrend7',
  'momentumTrend30',
  'valueTrend7',
  'valueTrend30',
  'quadrant',
  'stalled',
  'stallReason',
  'eventCount',
  'consumers',
  'lastEventMs',
  // Last, so that the columns before it keep the places they had before owner teams were kept.
  'ownerTeam',
] as const satisfies readonly (keyof ScopeView)[];
