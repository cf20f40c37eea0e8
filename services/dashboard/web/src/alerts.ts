import {
  getJson,
  pageHref,
  type AlertingStatus,
  type AlertRow,
  type Page,
  type PauseRow,
  type ScopeAlert,
  type SilenceRow,
} from './api.ts';
import { esc, mount } from './dom.ts';

/** Date and time to the minute, UTC (alerts move within a day). */
export const when = (ms: number | undefined) =>
  ms === undefined ? '–' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const TITLES = {
  firing: 'firing: the alerter notifies about it',
  pending: 'pending: stalled, not yet long enough to fire',
  silenced: 'silenced: pending or firing, notifications held back by a silence',
  paused: 'paused: the scope is on hold and not judged',
} as const;

/** A scope's alert badge (firing, pending, silenced, paused), or nothing (inactive, resolved). */
export function alertBadge(alert: Pick<ScopeAlert, 'badge'> | undefined): string {
  const b = alert?.badge;
  if (!b) return '';
  return `<span class="badge alert-${b}" data-alert="${b}" title="${esc(TITLES[b])}">${b}</span>`;
}

/** The silence or the pause that holds an alert, in words. */
export function holdText(alert: Pick<ScopeAlert, 'silence' | 'pause'>): string {
  const parts: string[] = [];
  if (alert.silence) {
    const s = alert.silence;
    parts.push(
      `silenced by ${esc(s.createdBy)} until ${when(s.endsAtMs)}: “${esc(s.comment)}” <span class="muted">(${esc(s.id)})</span>`,
    );
  }
  if (alert.pause) {
    const p = alert.pause;
    parts.push(
      `paused (${esc(p.scopeKey)}) by ${esc(p.createdBy)} since ${when(p.sinceMs)}${p.untilMs === undefined ? '' : ` until ${when(p.untilMs)}`}: “${esc(p.reason)}”`,
    );
  }
  return parts.join('<br />');
}

/** The note shown when no alerter holds its lease: its state may be stale, or there is none. */
export function alertingNote(status: AlertingStatus, anything: boolean): string {
  if (status.running) return '';
  return `<p class="note" id="alerting-off" role="status">Alerting is not running${
    anything
      ? ': what follows is the state the alerter left when it stopped.'
      : ' (no alerter has written any state).'
  }</p>`;
}

const scopeName = (a: AlertRow) =>
  a.kind === 'mesh' ? 'the whole mesh' : a.kind === 'domain' ? (a.domain ?? '') : (a.productId ?? '');

/** `#/alerts`: the alerts, the silences and the paused scopes, read-only (the alerter's API writes them). */
export async function renderAlerts(params: URLSearchParams): Promise<void> {
  const query = new URLSearchParams({ limit: '200' });
  for (const key of ['state', 'domain']) {
    const v = params.get(key);
    if (v) query.set(key, v);
  }
  const [alerts, silences, pauses] = await Promise.all([
    getJson<Page<AlertRow> & { alerting: AlertingStatus }>(`/api/alerts?${query}`),
    getJson<{ items: SilenceRow[] }>('/api/silences'),
    getJson<{ items: PauseRow[] }>('/api/pauses'),
  ]);
  const activeSilences = silences.items.filter((s) => s.status !== 'expired');
  const activePauses = pauses.items.filter((p) => p.active);
  const anything = alerts.total + silences.items.length + pauses.items.length > 0;
  const stateLink = (state: string, label: string) => {
    const next = new URLSearchParams(params);
    if (state) next.set('state', state);
    else next.delete('state');
    const current = (params.get('state') ?? '') === state;
    return `<a href="#/alerts?${next}"${current ? ' aria-current="true"' : ''}>${label}</a>`;
  };
  const el = mount(`<h1>Alerts</h1>
    ${alertingNote(alerts.alerting, anything)}
    <section class="card" aria-labelledby="alerts-h">
      <h2 id="alerts-h">Alerts (${alerts.total}) <a class="muted" href="/api/alerts?${query}&format=csv">CSV</a></h2>
      <p class="filters">${stateLink('', 'all')} ${stateLink('firing', 'firing')} ${stateLink('pending', 'pending')}
        ${stateLink('resolved', 'resolved')}</p>
      <form class="target" id="alert-filters"><label>domain <input name="domain" size="12" value="${esc(params.get('domain') ?? '')}" /></label>
        <button>Filter</button></form>
      ${
        alerts.items.length === 0
          ? '<p class="muted">No alerts.</p>'
          : `<table id="alerts"><thead><tr><th>scope</th><th>state</th><th>since</th><th class="hide-narrow">rule</th><th>held by</th></tr></thead><tbody>${alerts.items
              .map(
                (a) => `<tr data-scope="${esc(a.scope)}" data-state="${a.state}">
                  <td><a href="${pageHref(a)}">${esc(scopeName(a))}</a> <span class="muted">${esc(a.kind === 'product' ? a.domain : a.kind)}</span></td>
                  <td>${alertBadge(a) || esc(a.state)}</td><td>${when(a.sinceMs)}</td>
                  <td class="hide-narrow">${esc(a.rule)}${a.stallReason ? ` <span class="muted">(${esc(a.stallReason)})</span>` : ''}</td>
                  <td class="wrap">${holdText(a)}</td></tr>`,
              )
              .join('')}</tbody></table>`
      }
    </section>
    <div class="grid">
      <section class="card" aria-labelledby="silences-h">
        <h2 id="silences-h">Silences (${activeSilences.length})</h2>
        ${
          activeSilences.length === 0
            ? '<p class="muted">No active or upcoming silence.</p>'
            : `<table id="silences"><thead><tr><th>matchers</th><th>until</th><th>by</th><th>why</th><th class="num">alerts</th></tr></thead><tbody>${activeSilences
                .map(
                  (s) => `<tr data-silence="${esc(s.id)}" data-status="${s.status}">
                    <td><code>${esc(s.matchers.join(', '))}</code>${s.status === 'pending' ? ` <span class="muted">from ${when(s.startsAtMs)}</span>` : ''}</td>
                    <td>${when(s.endsAtMs)}</td><td>${esc(s.createdBy)}</td><td class="wrap">${esc(s.comment)}</td>
                    <td class="num">${s.silencing}</td></tr>`,
                )
                .join('')}</tbody></table>`
        }
      </section>
      <section class="card" aria-labelledby="pauses-h">
        <h2 id="pauses-h">Paused scopes (${activePauses.length})</h2>
        ${
          activePauses.length === 0
            ? '<p class="muted">No scope is paused.</p>'
            : `<table id="pauses"><thead><tr><th>scope</th><th>until</th><th>by</th><th>why</th></tr></thead><tbody>${activePauses
                .map(
                  (p) => `<tr data-scope="${esc(p.scope)}"><td>${esc(p.scope)}</td>
                    <td>${p.untilMs === undefined ? 'removed' : when(p.untilMs)}</td><td>${esc(p.createdBy)}</td>
                    <td class="wrap">${esc(p.reason)}</td></tr>`,
                )
                .join('')}</tbody></table>`
        }
      </section>
    </div>
    <p class="muted">Silences and pauses are set through the alerter (<code>pnpm alerter:silence</code>,
      <code>pnpm alerter:pause</code> or its API); the dashboard only shows them.</p>`);
  el.querySelector('#alert-filters')?.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const next = new URLSearchParams(params);
    const domain = String(data.get('domain') ?? '').trim();
    if (domain) next.set('domain', domain);
    else next.delete('domain');
    location.hash = `#/alerts?${next}`;
  });
}
