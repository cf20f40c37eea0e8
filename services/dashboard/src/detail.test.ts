import { storedScore } from './score.test-support.ts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_CONFIG as C, dayIndexOf, normalise } from '@mesh-momentum/scoring';
import { buildDetail } from './detail.ts';
import { toView } from './views.ts';

const DAY = 86_400_000;
const ASOF = Date.UTC(2026, 10, 30, 12);

/** A domain whose only event, weight 10 of momentum, happened 14 days (one half-life) before asOf. */
function quietDomain() {
  const eventMs = ASOF - 14 * DAY;
  const H = C.momentum.halfLifeDays * DAY;
  const raw = 10 * 2 ** -((ASOF - eventMs) / H);
  const score = storedScore({
    asOfMs: String(ASOF),
    momentum: String(normalise(raw, C.momentum.normalisationK.domain)),
    value: '0',
    momentumRaw: String(raw),
    valueRaw: '0',
    quadrant: 'stalled',
    stalled: '1',
    stallReason: 'inactivity',
    lastPositiveEventMs: String(eventMs),
    lastEventMs: String(eventMs),
    standing: '{"champions":1,"sponsors":0,"executiveSponsors":0,"consumers":0}',
  });
  // The store's history: S at the end of each of the last 60 UTC days, the last one at asOf.
  const lastDay = dayIndexOf(ASOF);
  const days = Array.from({ length: 60 }, (_, i) => {
    const day = lastDay - 59 + i;
    const atMs = day === lastDay ? ASOF : (day + 1) * DAY;
    const s = atMs > eventMs ? 10 * 2 ** -((atMs - eventMs) / H) : 0;
    const k = C.momentum.normalisationK.domain;
    return { dayMs: day * DAY, momentum: normalise(s, k), value: 0, momentumRaw: s, valueRaw: 0 };
  });
  return { view: toView('domain', score, 'hr'), days, eventMs, raw };
}

describe('buildDetail', () => {
  it('maps history, a decaying forecast, an off-track target and movers with their contribution now', () => {
    const { view, days, eventMs, raw } = quietDomain();
    const detail = buildDetail({
      view,
      kind: 'domain',
      days,
      raw: { momentum: raw, value: 0 },
      movers: {
        momentum: [{ id: 'e1', source: 's', type: 'ChampionGained', timeMs: eventMs, weight: 10 }],
        value: [],
      },
      targets: [{ scopeId: 'domain:hr', metric: 'momentum', level: 20, dateMs: ASOF + 14 * DAY, setAtMs: 0 }],
      historyDays: 30,
      horizonDays: 14,
      config: C,
    });
    expect(detail.history).toHaveLength(30);
    expect(detail.history.at(-1)?.dayMs).toBe(dayIndexOf(ASOF) * DAY);
    // The event was 14 days ago: worth 5 of its 10 points now.
    expect(detail.movers.momentum[0]?.contribution).toBeCloseTo(5, 2);
    // One day in the 56-day sample added ~10, the others nothing: the median decays, the band is wide.
    const last = detail.forecast.momentum.at(-1);
    expect(last?.low).toBeLessThanOrEqual(last?.median ?? -1);
    expect(last?.median).toBeLessThan(view.momentum);
    // Level 20 needs S ≈ 6.7 in 14 days; S is 5 now and halves without events: off track.
    expect(detail.targets[0]).toMatchObject({ status: 'off-track', metric: 'momentum' });
    expect(detail.targets[0]?.probability).toBeLessThan(0.5);
  });
});
