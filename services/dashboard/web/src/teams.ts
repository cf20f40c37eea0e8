import { getJson, teamHref, type Page, type TeamDetail, type TeamSummary } from './api.ts';
import { historyChart } from './charts.ts';
import { badge, day, esc, mount, num } from './dom.ts';
import { HEAD, row } from './lists.ts';

const QUADRANTS = ['thriving', 'hype', 'grind', 'stalled'] as const;

/** Teams per page. */
const PAGE = 50;

/** The quadrant counts as badges, zero counts left out. */
const quadrants = (t: TeamSummary) =>
  QUADRANTS.filter((q) => t.quadrants[q] > 0)
    .map((q) => badge(q, `${t.quadrants[q]} ${q}`))
    .join(' ');

/** A sortable column's header: a link (keyboard reachable), the current sort marked for screen readers. */
function sortHeader(label: string, field: string, params: URLSearchParams, numeric = true): string {
  const current = (params.get('sort') ?? 'momentumMean') === field;
  const order = params.get('order') ?? 'desc';
  const next = new URLSearchParams(params);
  next.set('sort', field);
  next.set('order', current && order === 'desc' ? 'asc' : field === 'team' && !current ? 'asc' : 'desc');
  next.delete('offset');
  const aria = current ? ` aria-sort="${order === 'asc' ? 'ascending' : 'descending'}"` : '';
  const arrow = current ? (order === 'asc' ? ' ▲' : ' ▼') : '';
  return `<th${numeric ? ' class="num"' : ''}${aria}><a href="#/teams?${next}">${esc(label)}${arrow}</a></th>`;
}

/** Every owner team with its products' figures, sorted and paged by the API. */
export async function renderTeams(params: URLSearchParams): Promise<void> {
  const query = new URLSearchParams({ limit: String(PAGE) });
  for (const key of ['sort', 'order', 'offset']) {
    const v = params.get(key);
    if (v) query.set(key, v);
  }
  const page = await getJson<Page<TeamSummary> & { withoutOwnerTeam: number }>(`/api/teams?${query}`);
  const nav = (to: number) => {
    const next = new URLSearchParams(params);
    next.set('offset', String(to));
    return `#/teams?${next}`;
  };
  const offset = page.offset;
  const csv = new URLSearchParams(query);
  csv.set('limit', '1000');
  csv.delete('offset');
  csv.set('format', 'csv');
  mount(`<h1>Owner teams</h1>
    <section class="card" aria-labelledby="teams-h">
      <h2 id="teams-h">Teams (${page.total}) <a class="muted" href="/api/teams?${csv}">CSV</a></h2>
      <p class="muted">${page.total === 0 ? 'No team yet' : `${offset + 1}–${offset + page.items.length} of ${page.total}`}
        ${offset > 0 ? `<a href="${nav(Math.max(0, offset - page.limit))}">previous</a>` : ''}
        ${offset + page.limit < page.total ? `<a href="${nav(offset + page.limit)}">next</a>` : ''}
        · scores of the team's data products: mean (median)</p>
      <table id="teams"><thead><tr>${sortHeader('team', 'team', params, false)}
        ${sortHeader('products', 'products', params)}<th class="hide-narrow">domains</th>
        ${sortHeader('momentum', 'momentumMean', params)}${sortHeader('value', 'valueMean', params)}
        <th>quadrants</th>${sortHeader('stalled', 'stalled', params)}${sortHeader('at risk', 'atRisk', params)}
        <th class="hide-narrow">last momentum event</th></tr></thead>
      <tbody>${page.items
        .map(
          (t) => `<tr data-team="${esc(t.team)}" data-products="${t.products}">
          <td><a href="${teamHref(t.team)}">${esc(t.team)}</a></td><td class="num">${t.products}</td>
          <td class="hide-narrow">${esc(t.domains.join(', '))}</td>
          <td class="num">${num(t.momentumMean)} <span class="muted">(${num(t.momentumMedian)})</span></td>
          <td class="num">${num(t.valueMean)} <span class="muted">(${num(t.valueMedian)})</span></td>
          <td>${quadrants(t)}</td>
          <td class="num">${t.stalled > 0 ? badge('alert', String(t.stalled)) : '0'}</td><td class="num">${t.atRisk}</td>
          <td class="hide-narrow">${day(t.lastPositiveEventMs)}</td></tr>`,
        )
        .join('')}</tbody></table>
      ${
        page.withoutOwnerTeam > 0
          ? `<p id="without-team">${page.withoutOwnerTeam} data products have no owner team (never published, or scored before owner teams were kept): <a href="#/products?ownerTeam=">list them</a></p>`
          : ''
      }
    </section>`);
}

/** One team: its figures, its daily history (the mean of its products') and its products across domains. */
export async function renderTeam(team: string, params: URLSearchParams, rangeDays: number): Promise<void> {
  const query = new URLSearchParams({ days: String(rangeDays), limit: String(PAGE) });
  const offsetParam = params.get('offset');
  if (offsetParam) query.set('offset', offsetParam);
  const d = await getJson<TeamDetail>(`/api/teams/${encodeURIComponent(team)}?${query}`);
  const t = d.team;
  const products = d.products;
  const nav = (to: number) => `${teamHref(team)}?offset=${to}`;
  const csv = new URLSearchParams({ kind: 'product', ownerTeam: team, limit: '1000', format: 'csv' });
  const el = mount(`
    <h1>${esc(t.team)} <span class="muted">owner team</span></h1>
    <p>${t.products} data products in ${t.domains.map((x) => `<a href="#/domain/${encodeURIComponent(x)}">${esc(x)}</a>`).join(', ')} ·
      momentum <strong data-testid="team-momentum">${num(t.momentumMean)}</strong> mean, ${num(t.momentumMedian)} median ·
      value <strong>${num(t.valueMean)}</strong> mean, ${num(t.valueMedian)} median</p>
    <p>quadrants: ${quadrants(t)} ${t.stalled > 0 ? badge('alert', `${t.stalled} with stalled momentum`) : ''} ${t.atRisk > 0 ? `· ${t.atRisk} at risk` : ''}</p>
    <section class="card" aria-labelledby="team-history-h"><h2 id="team-history-h">History: the mean of the team's products</h2>
      <div id="chart" role="img" aria-label="The team's mean momentum and value per day"></div>
      <p class="legend"><span style="color:#e08a1e">━ momentum</span><span style="color:#3c6fd1">━ value</span></p></section>
    <section class="card" aria-labelledby="team-products-h">
      <h2 id="team-products-h">Data products <a class="muted" href="/api/scopes?${csv}">CSV</a></h2>
      <p class="muted">${products.offset + 1}–${products.offset + products.items.length} of ${products.total}
        ${products.offset > 0 ? `<a href="${nav(Math.max(0, products.offset - products.limit))}">previous</a>` : ''}
        ${products.offset + products.limit < products.total ? `<a href="${nav(products.offset + products.limit)}">next</a>` : ''}</p>
      <table id="team-products">${HEAD}<tbody>${products.items.map(row).join('')}</tbody></table>
    </section>`);
  const chart = el.querySelector<HTMLElement>('#chart');
  if (chart && d.history.length > 0) historyChart(chart, d.history);
}
