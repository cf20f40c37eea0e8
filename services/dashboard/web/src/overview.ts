import { getJson, pageHref, type HistoryPoint, type Overview, type ScopeView } from './api.ts';
import { quadrantChart, sparkline } from './charts.ts';
import { badge, esc, mount, num, trend } from './dom.ts';

interface Boards {
  momentum: ScopeView[];
  value: ScopeView[];
  rising: ScopeView[];
}

/** The overview: totals, the quadrant, the domains with sparklines, leaderboards. */
export async function renderOverview(
  rangeDays: number,
  changed: ReadonlySet<string> = new Set(),
): Promise<void> {
  const [overview, boards] = await Promise.all([
    getJson<Overview>('/api/overview'),
    getJson<Boards>('/api/leaderboards?kind=product&limit=5'),
  ]);
  const t = overview.totals;
  const mesh = overview.mesh;
  const el = mount(`
    <h1>Momentum and value across the mesh</h1>
    <div class="grid">
      <section class="card" aria-labelledby="mesh-h">
        <h2 id="mesh-h"><a href="#/mesh">Whole mesh</a></h2>
        ${
          mesh
            ? `<p>momentum <strong data-testid="mesh-momentum">${num(mesh.momentum)}</strong> ${trend(mesh.momentumTrend30)} (30 d) ·
               value <strong>${num(mesh.value)}</strong> · ${badge(mesh.quadrant)}</p>`
            : '<p class="muted">No scores yet: start the processor and send events.</p>'
        }
        <p class="muted">${t.domains} domains (${t.stalledDomains} stalled), ${t.products} data products (${t.stalledProducts} stalled)</p>
      </section>
      <section class="card" aria-labelledby="q-h">
        <h2 id="q-h">Quadrant</h2>
        <label><input type="checkbox" id="with-products" /> show data products</label>
        <div class="legend">${['thriving', 'hype', 'grind', 'stalled'].map((q) => badge(q)).join(' ')}
          <span class="muted">size: consumers · ringed: momentum stalled</span></div>
        <div id="quadrant" role="img" aria-label="Domains placed by momentum and value"></div>
      </section>
    </div>
    <section class="card" aria-labelledby="d-h">
      <h2 id="d-h">Domains <a class="muted" href="/api/scopes?kind=domain&format=csv">CSV</a></h2>
      <table id="domains">
        <thead><tr><th>domain</th><th>quadrant</th><th class="num">momentum</th><th class="hide-narrow">history</th>
          <th class="num">30 d</th><th class="num">value</th><th class="hide-narrow">history</th><th class="num">events</th><th>stall</th></tr></thead>
        <tbody>${overview.domains
          .map(
            (
              d,
            ) => `<tr data-scope="${esc(d.id)}" data-quadrant="${esc(d.quadrant)}" data-stalled="${d.stalled}" class="${changed.has(d.id) ? 'flash' : ''}">
              <td><a href="${pageHref(d)}">${esc(d.domain)}</a></td><td>${badge(d.quadrant)}</td>
              <td class="num" data-testid="momentum">${num(d.momentum)}</td><td class="hide-narrow spark" data-metric="momentum"></td>
              <td class="num">${trend(d.momentumTrend30)}</td><td class="num">${num(d.value)}</td>
              <td class="hide-narrow spark" data-metric="value"></td><td class="num" data-testid="events">${d.eventCount}</td>
              <td>${d.stalled ? badge('alert', `stalled: ${d.stallReason ?? ''}`) : ''}</td></tr>`,
          )
          .join('')}</tbody>
      </table>
    </section>
    <div class="grid">
      ${board('Top products by momentum', boards.momentum, 'momentum')}
      ${board('Top products by value', boards.value, 'value')}
      ${board('Rising momentum (30 days)', boards.rising, 'momentumTrend30')}
    </div>`);

  const quadrantEl = el.querySelector<HTMLElement>('#quadrant');
  const checkbox = el.querySelector<HTMLInputElement>('#with-products');
  const drawQuadrant = async () => {
    if (!quadrantEl) return;
    quadrantEl.innerHTML = '';
    const products = checkbox?.checked
      ? (await getJson<{ items: ScopeView[] }>('/api/scopes?kind=product&limit=1000')).items
      : [];
    quadrantChart(
      quadrantEl,
      [...overview.domains, ...products],
      {
        momentum: overview.thresholds.momentumThreshold['domain'] ?? 50,
        value: overview.thresholds.valueThreshold['domain'] ?? 50,
      },
      (v) => (v.kind === 'product' ? '' : (v.domain ?? '')),
    );
  };
  checkbox?.addEventListener('change', () => void drawQuadrant());
  await drawQuadrant();

  // Sparklines after the first paint: one history request per domain, kept for a minute (daily points
  // barely move), so a live re-render does not queue 50 requests ahead of the next overview.
  for (const d of overview.domains) {
    void cachedHistory(d.domain ?? '', rangeDays).then((history) => {
      const row = el.querySelector(`tr[data-scope="${CSS.escape(d.id)}"]`);
      const xs = history.map((p) => p.dayMs / 1000);
      for (const metric of ['momentum', 'value'] as const) {
        const cell = row?.querySelector<HTMLElement>(`td[data-metric="${metric}"]`);
        if (cell)
          sparkline(
            cell,
            xs,
            history.map((p) => p[metric]),
            metric === 'momentum' ? '#e08a1e' : '#3c6fd1',
          );
      }
    });
  }
}

const HISTORY_TTL_MS = 60_000;
const histories = new Map<string, { atMs: number; history: Promise<HistoryPoint[]> }>();

function cachedHistory(domain: string, days: number): Promise<HistoryPoint[]> {
  const key = `${domain}|${days}`;
  const hit = histories.get(key);
  if (hit && Date.now() - hit.atMs < HISTORY_TTL_MS) return hit.history;
  const history = getJson<{ history: HistoryPoint[] }>(
    `/api/domains/${encodeURIComponent(domain)}/history?days=${days}`,
  ).then((r) => r.history);
  histories.set(key, { atMs: Date.now(), history });
  return history;
}

function board(
  title: string,
  rows: readonly ScopeView[],
  field: 'momentum' | 'value' | 'momentumTrend30',
): string {
  return `<section class="card"><h2>${esc(title)}</h2><table class="board"><tbody>${rows
    .map(
      (v, i) =>
        `<tr><td class="num">${i + 1}</td><td><a href="${pageHref(v)}">${esc(v.productId)}</a>
         <span class="muted">${esc(v.domain)}</span></td><td class="num">${num(v[field])}</td></tr>`,
    )
    .join('')}</tbody></table></section>`;
}
