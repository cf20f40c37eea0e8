import { alertBadge, alertingNote, holdText } from './alerts.ts';
import {
  getJson,
  pageHref,
  teamHref,
  type AlertingStatus,
  type Page,
  type ScopeAlert,
  type ScopeView,
} from './api.ts';
import { badge, day, esc, mount, num, trend } from './dom.ts';

/** A product's owner team, linked to the team's page (domains have none). */
const team = (v: ScopeView) =>
  v.ownerTeam
    ? `<a href="${teamHref(v.ownerTeam)}">${esc(v.ownerTeam)}</a>`
    : v.kind === 'product'
      ? '–'
      : '';

/** One scope per row (the stalled lists, the products, a team's products). */
export const row = (v: ScopeView) => rowWith(v, '', '');

/** A scope's row with more cells after the scope's name and at its end (the stalled lists' alert). */
const rowWith = (v: ScopeView, afterName: string, extra: string) => `<tr data-scope="${esc(v.id)}">
  <td><a href="${pageHref(v)}">${esc(v.kind === 'product' ? v.productId : v.domain)}</a></td>${afterName}
  <td>${esc(v.domain)}</td><td data-testid="owner-team">${team(v)}</td><td>${badge(v.quadrant)}</td>
  <td class="num">${num(v.momentum)}</td><td class="num">${trend(v.momentumTrend30)}</td>
  <td class="num">${num(v.value)}</td><td class="num">${v.consumers}</td>
  <td>${v.stalled ? badge('alert', v.stallReason ?? 'stalled') : ''}</td><td>${day(v.lastPositiveEventMs)}</td>${extra}</tr>`;

export const HEAD = `<thead><tr><th>scope</th><th>domain</th><th>owner team</th><th>quadrant</th><th class="num">momentum</th><th class="num">30 d</th>
  <th class="num">value</th><th class="num">consumers</th><th>stall</th><th>last momentum event</th></tr></thead>`;

type WithAlert = ScopeView & { alert: ScopeAlert };

/** The scope's alert: its badge beside its name (in sight on any screen), what holds it at the end. */
const HEAD_ALERT = HEAD.replace('<th>scope</th>', '<th>scope</th><th>alert</th>').replace(
  '</tr></thead>',
  '<th class="hide-narrow">silence or pause</th></tr></thead>',
);

/**
 * Stalled scopes (the stall rules' verdict) and scopes at risk (falling fast, not stalled yet), each
 * with its alert state: the alerter's badge (firing, pending, silenced, paused).
 */
export async function renderStalled(): Promise<void> {
  const { alerting, stalled, atRisk } = await getJson<{
    alerting: AlertingStatus;
    stalled: WithAlert[];
    atRisk: WithAlert[];
  }>('/api/stalled');
  const alertRow = (v: WithAlert) =>
    rowWith(
      v,
      `<td data-testid="alert">${alertBadge(v.alert)}</td>`,
      `<td class="wrap hide-narrow">${holdText(v.alert)}</td>`,
    );
  mount(`<h1>Stalled and at risk</h1>
    ${alertingNote(
      alerting,
      [...stalled, ...atRisk].some((v) => v.alert.state !== 'inactive' || v.alert.badge),
    )}
    <section class="card"><h2>Stalled (${stalled.length}) <a class="muted" href="/api/stalled?format=csv">CSV</a></h2>
      <table id="stalled">${HEAD_ALERT}<tbody>${stalled.map(alertRow).join('')}</tbody></table></section>
    <section class="card"><h2>At risk: momentum down 10 points or more in 30 days (${atRisk.length})</h2>
      <table id="at-risk">${HEAD_ALERT}<tbody>${atRisk.map(alertRow).join('')}</tbody></table></section>
    <p class="muted">Alert badges (<a href="#/alerts">all alerts</a>): firing, the alerter notifies; pending, stalled
      but not yet for long enough; silenced, notifications held back by a silence; paused, the scope is on hold.</p>`);
}

/** Data products, filtered and paged by the API. */
export async function renderProducts(params: URLSearchParams): Promise<void> {
  const query = new URLSearchParams({ kind: 'product', limit: '50' });
  for (const key of ['domain', 'quadrant', 'stalled', 'offset', 'sort']) {
    const v = params.get(key);
    if (v) query.set(key, v);
  }
  // Present but empty: the products without an owner team (the teams page links here).
  const ownerTeam = params.get('ownerTeam');
  if (ownerTeam !== null) query.set('ownerTeam', ownerTeam);
  const page = await getJson<Page<ScopeView>>(`/api/scopes?${query}`);
  const offset = page.offset;
  const nav = (to: number) => {
    const next = new URLSearchParams(query);
    next.set('offset', String(to));
    next.delete('kind');
    next.delete('limit');
    return `#/products?${next}`;
  };
  const el = mount(`<h1>${ownerTeam === '' ? 'Data products without an owner team' : 'Data products'}</h1>
    <form class="card target" id="filters">
      <label>domain <input name="domain" value="${esc(params.get('domain') ?? '')}" size="12" /></label>
      <label>owner team <input name="ownerTeam" value="${esc(ownerTeam ?? '')}" size="14" /></label>
      <label>quadrant <select name="quadrant"><option value="">any</option>${[
        'thriving',
        'hype',
        'grind',
        'stalled',
      ]
        .map((q) => `<option ${params.get('quadrant') === q ? 'selected' : ''}>${q}</option>`)
        .join('')}</select></label>
      <label>stalled <select name="stalled"><option value="">any</option><option ${params.get('stalled') === 'true' ? 'selected' : ''}>true</option><option ${params.get('stalled') === 'false' ? 'selected' : ''}>false</option></select></label>
      <button>Filter</button>
      <a href="/api/scopes?${query}&format=csv">CSV</a>
    </form>
    <section class="card"><p class="muted">${offset + 1}–${offset + page.items.length} of ${page.total}
      ${offset > 0 ? `<a href="${nav(Math.max(0, offset - page.limit))}">previous</a>` : ''}
      ${offset + page.limit < page.total ? `<a href="${nav(offset + page.limit)}">next</a>` : ''}</p>
      <table id="products">${HEAD}<tbody>${page.items.map(row).join('')}</tbody></table></section>`);
  el.querySelector('#filters')?.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const next = new URLSearchParams();
    for (const [k, v] of data) if (v) next.set(k, String(v));
    location.hash = `#/products?${next}`;
  });
}
