import {
  adminToken,
  detailUrl,
  getJson,
  putTarget,
  teamHref,
  type Detail,
  type Mover,
  type ScopeView,
} from './api.ts';
import { alertBadge, holdText, when } from './alerts.ts';
import { detailChart } from './charts.ts';
import { badge, day, esc, mount, num, trend } from './dom.ts';

/** One scope: its chart (history, forecast band, targets, events), "why did it move?", targets. */
export async function renderScope(
  scope: Pick<ScopeView, 'kind' | 'domain' | 'productId'>,
  rangeDays: number,
): Promise<void> {
  const d = await getJson<Detail>(`${detailUrl(scope)}?days=${rangeDays}&horizon=90&movers=10`);
  const s = d.scope;
  const name =
    s.kind === 'product'
      ? `${s.productId} (${s.domain})`
      : s.kind === 'mesh'
        ? 'The whole mesh'
        : `${s.domain}`;
  // A drop: momentum now well under its peak of the selected range (or falling over 30 days).
  const peak = d.history.reduce((best, p) => (p.momentum > best.momentum ? p : best), {
    dayMs: s.asOfMs,
    momentum: s.momentum,
    value: s.value,
  });
  const fromPeak = peak.momentum - s.momentum;
  const fall = fromPeak >= 5 || s.momentumTrend30 < 0;
  const el = mount(`
    <h1>${esc(name)} ${badge(s.quadrant)} ${s.stalled ? badge('alert', `stalled: ${s.stallReason ?? ''}`) : ''}</h1>
    <p>momentum <strong>${num(s.momentum)}</strong> ${trend(s.momentumTrend30)} over 30 days ·
       value <strong>${num(s.value)}</strong> ${trend(s.valueTrend30)} · ${s.eventCount} events ·
       last momentum-building event ${day(s.lastPositiveEventMs)}${
         s.ownerTeam ? ` · owner team <a href="${teamHref(s.ownerTeam)}">${esc(s.ownerTeam)}</a>` : ''
       }</p>
    ${alertCard(d)}
    <section class="card"><h2>History and forecast (80 % band)</h2><div id="chart"></div>
      <p class="legend"><span style="color:#e08a1e">━ momentum</span><span style="color:#3c6fd1">━ value</span>
        <span class="muted">┅ forecast (median, shaded: 10–90 %)</span></p>
      <p class="muted">Ticks on the time axis: the events that moved the scores most (red: negative). Diamonds: targets.</p></section>
    <div class="grid">
      <section class="card" aria-labelledby="why-h">
        <h2 id="why-h">${fall ? 'Why did momentum drop?' : 'What moved momentum?'}</h2>
        <p>${
          fall
            ? `Momentum is ${esc(num(fromPeak))} points under its peak of ${esc(num(peak.momentum))} on ${day(peak.dayMs)} (${esc(num(s.momentumTrend30))} in the last 30 days). Scores decay with time (half-life 14 days for momentum), so a drop means the events below are ageing and few new ones arrive${s.lastPositiveEventMs ? `: the last momentum-building event was on ${day(s.lastPositiveEventMs)}` : ''}.`
            : 'The events below contribute most to momentum now.'
        }</p>
        ${moversTable('momentum', d.movers.momentum)}
      </section>
      <section class="card"><h2>What moved value?</h2>${moversTable('value', d.movers.value)}</section>
    </div>
    <section class="card" aria-labelledby="t-h"><h2 id="t-h">Targets</h2>
      <table id="targets"><thead><tr><th>metric</th><th class="num">level</th><th>by</th><th>status</th><th class="num">probability</th><th class="num">expected</th></tr></thead>
      <tbody>${d.targets
        .map(
          (
            t,
          ) => `<tr data-metric="${t.metric}"><td>${t.metric}</td><td class="num">${num(t.level)}</td><td>${day(t.dateMs)}</td>
          <td>${badge(t.status)}</td><td class="num">${Math.round(t.probability * 100)} %</td><td class="num">${num(t.expectedScore)}</td></tr>`,
        )
        .join('')}</tbody></table>
      <form class="target" id="target-form">
        <label>metric <select name="metric"><option>momentum</option><option>value</option></select></label>
        <label>level <input name="level" type="number" min="0" max="100" value="60" required /></label>
        <label>by <input name="date" type="date" required value="${day(Date.now() + 90 * 86_400_000)}" /></label>
        <label>admin token <input name="token" type="password" autocomplete="off" placeholder="if required" value="${esc(adminToken.get())}" /></label>
        <button>Set target</button> <span id="target-msg" role="status"></span>
      </form>
    </section>`);
  const chart = el.querySelector<HTMLElement>('#chart');
  if (chart) detailChart(chart, d);
  el.querySelector('#target-form')?.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    adminToken.set(String(data.get('token') ?? '').trim());
    putTarget(s.id, {
      metric: String(data.get('metric')),
      level: Number(data.get('level')),
      date: String(data.get('date')),
    })
      .then(() => renderScope(scope, rangeDays))
      .catch((error: unknown) => {
        const msg = el.querySelector('#target-msg');
        if (msg) msg.textContent = String((error as Error).message);
      });
  });
}

/** The alerter's alert for the scope: state, since, rule, evidence, the silence or pause that holds it. */
function alertCard(d: Detail): string {
  const a = d.alert;
  if (!a || (a.state === 'inactive' && !a.badge)) return '';
  const e = a.evidence;
  const findings = e?.findings.map((f) => `${esc(f.rule)} ${num(f.value)} (threshold ${num(f.threshold)})`);
  return `<section class="card" id="alert" aria-labelledby="alert-h" data-state="${a.state}">
    <h2 id="alert-h">Alert ${alertBadge(a)}</h2>
    ${
      a.state === 'inactive'
        ? '<p>No alert: the scope is not judged while paused.</p>'
        : `<p>${esc(a.rule)} <strong>${esc(a.state)}</strong> since ${when(a.sinceMs)}${a.stallReason ? ` · ${esc(a.stallReason)}` : ''}${
            a.fingerprint
              ? ` · <a href="/api/alerts/${encodeURIComponent(a.fingerprint)}" data-testid="evidence">evidence</a>`
              : ''
          }</p>`
    }
    ${findings && findings.length > 0 ? `<p class="muted">Rules that hold: ${findings.join('; ')}${e?.silenceDays === undefined ? '' : ` · ${e.silenceDays} days without a momentum-building event`}</p>` : ''}
    ${a.silence || a.pause ? `<p data-testid="hold">${holdText(a)}</p>` : ''}
  </section>`;
}

function moversTable(metric: string, movers: readonly Mover[]): string {
  if (movers.length === 0) return '<p class="muted">No events.</p>';
  return `<table class="movers" data-metric="${metric}"><thead><tr><th>event</th><th>when</th>
    <th class="num">weight</th><th class="num">now worth</th></tr></thead><tbody>${movers
      .map(
        (m) => `<tr><td>${esc(m.type)}</td><td>${day(m.timeMs)}</td><td class="num">${num(m.weight, 2)}</td>
        <td class="num">${num(m.contribution, 2)}</td></tr>`,
      )
      .join('')}</tbody></table>`;
}
