// The demo's alerter: services/alerter as its own process, started once the programme's events are all
// applied (so no half-imported history is judged), posting to the local Alertmanager (infra/local, port
// 19094). It keeps running with the other services, so the dashboard's Alerts page is live; the demo
// reads back what it decided from its /metrics and from Alertmanager's own API.
import type { ChildProcess } from 'node:child_process';
import { startService } from './demo-process.ts';

const ALERTMANAGER_URL = `http://127.0.0.1:${process.env['MM_LOCAL_ALERTMANAGER_PORT'] ?? '19094'}`;
/** The alerter's HTTP port in the demo (MM_ALERTER_HTTP_PORT overrides it). */
const ALERTER_PORT = process.env['MM_ALERTER_HTTP_PORT'] ?? '8091';
const ALERTER_URL = `http://127.0.0.1:${ALERTER_PORT}`;
/** How long the alerter may take to start and finish its first evaluation, ms. */
const FIRST_EVALUATION_TIMEOUT_MS = 60_000;

interface AmAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startAlerter(env: NodeJS.ProcessEnv): ChildProcess {
  // `for` 0: the demo's scores are final once its events are applied, nothing to wait for.
  return startService('services/alerter/src/main.ts', {
    ...env,
    MM_ALERTER_ALERTMANAGER_URL: ALERTMANAGER_URL,
    MM_ALERTER_FOR_MS: '0',
    MM_ALERTER_HTTP_PORT: ALERTER_PORT,
  });
}

/** A sample of the alerter's Prometheus text, e.g. `mm_alerter_alerts{state="firing"}`; 0 when absent. */
function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function alerterMetrics(): Promise<string | undefined> {
  try {
    const response = await fetch(`${ALERTER_URL}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

async function activeAlerts(): Promise<AmAlert[]> {
  const filter = encodeURIComponent('service="mesh-momentum"');
  const response = await fetch(`${ALERTMANAGER_URL}/api/v2/alerts?filter=${filter}&active=true`, {
    signal: AbortSignal.timeout(5_000),
  });
  return (await response.json()) as AmAlert[];
}

/** Waits for the alerter's first evaluation, then prints what fired and what Alertmanager shows. */
export async function showAlerts(
  say: (line: string) => void,
  exited: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + FIRST_EVALUATION_TIMEOUT_MS;
  let metrics: string | undefined;
  for (;;) {
    const gone = exited();
    if (gone !== undefined) throw new Error(`the alerter exited early (${gone})`);
    metrics = await alerterMetrics();
    if (metrics && sample(metrics, 'mm_alerter_evaluations_total{result="ok"}') >= 1) break;
    if (Date.now() > deadline)
      throw new Error(`the alerter did not evaluate within ${FIRST_EVALUATION_TIMEOUT_MS / 1000} s`);
    await sleep(250);
  }
  const firing = sample(metrics, 'mm_alerter_alerts{state="firing"}');
  say('');
  say(`The alerter (${ALERTER_URL}): ${firing} alerts firing, posted to Alertmanager at ${ALERTMANAGER_URL}`);
  let active: AmAlert[] = [];
  try {
    // The post follows the evaluation within a delivery round (a second).
    for (let attempt = 0; attempt < 20; attempt++) {
      active = await activeAlerts();
      if (active.length >= firing) break;
      await sleep(250);
    }
  } catch (error) {
    say(`  Alertmanager did not answer (${(error as Error).message}); pnpm infra:up starts it`);
    return;
  }
  say(`  Alertmanager now shows ${active.length} active mesh-momentum alerts, among them:`);
  for (const a of active.filter((x) => x.labels['scope_kind'] !== 'product')) {
    say(`    ${a.labels['alertname']} {domain="${a.labels['domain'] ?? ''}"}: ${a.annotations['summary']}`);
  }
  say(`  see them at ${ALERTMANAGER_URL}/#/alerts?filter=%7Bservice%3D%22mesh-momentum%22%7D`);
}
