import './styles.css';
import { renderAlerts } from './alerts.ts';
import { renderProducts, renderStalled } from './lists.ts';
import { renderOverview } from './overview.ts';
import { renderScope } from './scope.ts';
import { renderTeam, renderTeams } from './teams.ts';

/**
 * Hash routes: `#/` overview, `#/products?…`, `#/stalled`, `#/alerts?…`, `#/teams?…`, `#/team/<t>?…`, `#/mesh`,
 * `#/domain/<d>`, `#/product/<d>/<p>`. Live:
 * one EventSource; each `scopes` event re-renders the current view when it shows a changed scope (the
 * overview always), a `resync` (events were missed while disconnected) re-renders anyway.
 */
const rangeSelect = document.getElementById('range') as HTMLSelectElement;
const live = document.getElementById('live') as HTMLElement;
const rangeDays = () => Number(rangeSelect.value);

async function route(changed: ReadonlySet<string> = new Set()): Promise<void> {
  const [path = '', queryText = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === 'mesh') await renderScope({ kind: 'mesh' }, rangeDays());
    else if (parts[0] === 'domain' && parts[1])
      await renderScope({ kind: 'domain', domain: parts[1] }, rangeDays());
    else if (parts[0] === 'product' && parts[1] && parts[2])
      await renderScope({ kind: 'product', domain: parts[1], productId: parts[2] }, rangeDays());
    else if (parts[0] === 'stalled') await renderStalled();
    else if (parts[0] === 'alerts') await renderAlerts(new URLSearchParams(queryText));
    else if (parts[0] === 'products') await renderProducts(new URLSearchParams(queryText));
    else if (parts[0] === 'teams') await renderTeams(new URLSearchParams(queryText));
    else if (parts[0] === 'team' && parts[1])
      await renderTeam(parts[1], new URLSearchParams(queryText), rangeDays());
    else await renderOverview(rangeDays(), changed);
  } catch (error) {
    const main = document.getElementById('app');
    if (main) main.textContent = `Could not load: ${(error as Error).message}`;
  }
}

/** Before a new stream after the dashboard refused or closed one for good (503 over its limit), ms. */
const RECONNECT_MS = 10_000;

function connect(reopened = false): void {
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    live.textContent = 'live';
    live.classList.add('on');
    // A new EventSource has no Last-Event-ID to get a resync with: what changed meanwhile is reloaded here.
    if (reopened) rerender([]);
  });
  source.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.classList.remove('on');
    // EventSource retries a dropped stream itself (and gets `resync`), but gives up on a refused one.
    if (source.readyState === EventSource.CLOSED) {
      setTimeout(() => connect(true), RECONNECT_MS * (1 + Math.random()));
    }
  });
  let pending: Set<string> | undefined;
  const rerender = (ids: readonly string[]) => {
    // Gathers a burst of events into one re-render.
    if (pending) {
      for (const id of ids) pending.add(id);
      return;
    }
    pending = new Set(ids);
    setTimeout(() => {
      const changed = pending ?? new Set<string>();
      pending = undefined;
      if (document.activeElement?.closest('form')) return; // never under a person's typing
      void route(changed);
    }, 50);
  };
  source.addEventListener('scopes', (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as { scopes: { id: string }[] };
    rerender(data.scopes.map((s) => s.id));
  });
  source.addEventListener('resync', () => rerender([]));
}

window.addEventListener('hashchange', () => {
  void route().then(() => document.getElementById('app')?.focus());
});
rangeSelect.addEventListener('change', () => void route());
void route();
connect();
