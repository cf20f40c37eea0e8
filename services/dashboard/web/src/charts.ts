import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Detail, HistoryPoint, ScopeView } from './api.ts';

/** Quadrant colours, also used by the badges in styles.css. */
export const QUADRANT_COLOURS: Record<string, string> = {
  thriving: '#2e9d5b',
  hype: '#e08a1e',
  grind: '#3c6fd1',
  stalled: '#b23b3b',
};

const width = (el: HTMLElement) => Math.max(260, Math.min(el.clientWidth || 600, 900));

/**
 * The quadrant: momentum (x) against value (y), one circle per scope coloured by its quadrant and sized
 * by its consumers, thresholds drawn as lines. uPlot gives axes and scales; the circles are drawn in a
 * draw hook (uPlot's line series need sorted x).
 */
export function quadrantChart(
  el: HTMLElement,
  scopes: readonly ScopeView[],
  thresholds: { momentum: number; value: number },
  label: (v: ScopeView) => string,
): uPlot {
  const points = [...scopes].sort((a, b) => a.momentum - b.momentum);
  const maxConsumers = Math.max(1, ...points.map((p) => p.consumers));
  const draw = (u: uPlot) => {
    const ctx = u.ctx;
    const px = (v: number, s: string) => u.valToPos(v, s, true);
    ctx.save();
    ctx.strokeStyle = '#999';
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(px(thresholds.momentum, 'x'), u.bbox.top);
    ctx.lineTo(px(thresholds.momentum, 'x'), u.bbox.top + u.bbox.height);
    ctx.moveTo(u.bbox.left, px(thresholds.value, 'y'));
    ctx.lineTo(u.bbox.left + u.bbox.width, px(thresholds.value, 'y'));
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
    for (const p of points) {
      const r = (4 + 14 * Math.sqrt(p.consumers / maxConsumers)) * devicePixelRatio;
      const x = px(p.momentum, 'x');
      const y = px(p.value, 'y');
      ctx.fillStyle = `${QUADRANT_COLOURS[p.quadrant] ?? '#777'}cc`;
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fill();
      if (p.stalled) {
        ctx.strokeStyle = '#000';
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.stroke();
      }
      if (points.length <= 60) {
        ctx.fillStyle = '#222';
        ctx.fillText(label(p), x + r + 2, y + 4 * devicePixelRatio);
      }
    }
    ctx.restore();
  };
  return new uPlot(
    {
      width: width(el),
      height: 360,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [0, 100] }, y: { range: [0, 100] } },
      axes: [{ label: 'momentum' }, { label: 'value' }],
      series: [{}, { paths: () => null, points: { show: false } }],
      hooks: { draw: [draw] },
    },
    [points.map((p) => p.momentum), points.map((p) => p.value)],
    el,
  );
}

/** A sparkline of a score over the selected range, no axes. */
export function sparkline(
  el: HTMLElement,
  days: readonly number[],
  values: readonly number[],
  colour: string,
): uPlot {
  return new uPlot(
    {
      width: 120,
      height: 32,
      legend: { show: false },
      cursor: { show: false },
      axes: [{ show: false }, { show: false }],
      scales: { x: { time: false }, y: { range: [0, 100] } },
      series: [{}, { stroke: colour, width: 1.5, points: { show: false } }],
    },
    [[...days], [...values]],
    el,
  );
}

/**
 * The scope's history of momentum and value, the forecast (median dashed, band filled), the targets as
 * markers at their date and level, and the top moving events as ticks on the time axis.
 */
export function detailChart(el: HTMLElement, detail: Detail): uPlot {
  const hist = detail.history;
  const fm = detail.forecast.momentum;
  const fv = detail.forecast.value;
  const xs = [...hist.map((p) => p.dayMs / 1000), ...fm.map((p) => p.timeMs / 1000)];
  const pad = (n: number) => Array<number | null>(n).fill(null);
  const histOnly = (f: (p: (typeof hist)[number]) => number) => [...hist.map(f), ...pad(fm.length)];
  const forecastOnly = (rows: typeof fm, f: (r: (typeof fm)[number]) => number) => [
    ...pad(hist.length),
    ...rows.map(f),
  ];
  const events = [...detail.movers.momentum, ...detail.movers.value];
  const draw = (u: uPlot) => {
    const ctx = u.ctx;
    ctx.save();
    for (const e of events) {
      const x = u.valToPos(e.timeMs / 1000, 'x', true);
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
      ctx.fillStyle = e.contribution < 0 ? '#b23b3b' : '#555';
      ctx.fillRect(
        x - devicePixelRatio,
        u.bbox.top + u.bbox.height - 8 * devicePixelRatio,
        2 * devicePixelRatio,
        8 * devicePixelRatio,
      );
    }
    for (const t of detail.targets) {
      const x = u.valToPos(t.dateMs / 1000, 'x', true);
      const y = u.valToPos(t.level, 'y', true);
      ctx.fillStyle = t.status === 'off-track' || t.status === 'missed' ? '#b23b3b' : '#2e9d5b';
      ctx.beginPath();
      ctx.moveTo(x, y - 7 * devicePixelRatio);
      ctx.lineTo(x + 7 * devicePixelRatio, y);
      ctx.lineTo(x, y + 7 * devicePixelRatio);
      ctx.lineTo(x - 7 * devicePixelRatio, y);
      ctx.fill();
    }
    ctx.restore();
  };
  return new uPlot(
    {
      width: width(el),
      height: 320,
      // The page writes its own legend; uPlot's would list the band edges too.
      legend: { show: false },
      scales: { y: { range: [0, 100] } },
      axes: [{}, { label: 'score' }],
      series: [
        {},
        { label: 'momentum', stroke: '#e08a1e', width: 2 },
        { label: 'value', stroke: '#3c6fd1', width: 2 },
        { label: 'momentum forecast', stroke: '#e08a1e', dash: [6, 4] },
        { label: 'low', stroke: 'transparent', points: { show: false } },
        { label: 'high', stroke: 'transparent', points: { show: false } },
        { label: 'value forecast', stroke: '#3c6fd1', dash: [6, 4] },
        { label: 'low', stroke: 'transparent', points: { show: false } },
        { label: 'high', stroke: 'transparent', points: { show: false } },
      ],
      bands: [
        { series: [5, 4], fill: 'rgba(224,138,30,0.18)' },
        { series: [8, 7], fill: 'rgba(60,111,209,0.15)' },
      ],
      hooks: { draw: [draw] },
    },
    [
      xs,
      histOnly((p) => p.momentum),
      histOnly((p) => p.value),
      forecastOnly(fm, (r) => r.median),
      forecastOnly(fm, (r) => r.low),
      forecastOnly(fm, (r) => r.high),
      forecastOnly(fv, (r) => r.median),
      forecastOnly(fv, (r) => r.low),
      forecastOnly(fv, (r) => r.high),
    ] as uPlot.AlignedData,
    el,
  );
}

/** Daily momentum and value (a team's: the mean of its products'), without forecast or events. */
export function historyChart(el: HTMLElement, history: readonly HistoryPoint[]): uPlot {
  return new uPlot(
    {
      width: width(el),
      height: 240,
      legend: { show: false },
      scales: { y: { range: [0, 100] } },
      axes: [{}, { label: 'score' }],
      series: [
        {},
        { label: 'momentum', stroke: '#e08a1e', width: 2 },
        { label: 'value', stroke: '#3c6fd1', width: 2 },
      ],
    },
    [history.map((p) => p.dayMs / 1000), history.map((p) => p.momentum), history.map((p) => p.value)],
    el,
  );
}
