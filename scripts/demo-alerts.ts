// The demo's last step: the alerter (services/alerter) evaluates the scores once, as its periodic
// evaluation would, and posts the stall alerts to the local Alertmanager (infra/local, port 19094),
// where they are read back through Alertmanager's own API.
import type { Redis } from 'ioredis';
import { Alerter, ALERTER_SECTION } from '@mesh-momentum/alerter';
import { createLogger, loadConfig } from '@mesh-momentum/common';

const ALERTMANAGER_URL = `http://127.0.0.1:${process.env['MM_LOCAL_ALERTMANAGER_PORT'] ?? '19094'}`;

interface AmAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

export async function showAlerts(
  redis: Redis,
  keyPrefix: string,
  say: (line: string) => void,
): Promise<void> {
  // `for` 0: the demo's scores are final, nothing to wait for.
  const config = loadConfig(
    { MM_REDIS_KEY_PREFIX: keyPrefix, MM_ALERTER_ALERTMANAGER_URL: ALERTMANAGER_URL, MM_ALERTER_FOR_MS: '0' },
    ALERTER_SECTION,
  );
  const alerter = new Alerter({
    config: config.alerter,
    redis,
    keyPrefix,
    channels: [],
    logger: createLogger({ name: 'demo-alerter', level: 'error' }),
    instanceId: 'demo',
  });
  const notifications = await alerter.tick(Date.now());
  await alerter.lease.release();
  const alerts = notifications.flatMap((n) => n.alerts);
  say('');
  say(
    `The alerter: ${alerts.length} alerts firing in ${notifications.length} notifications (one per domain), ` +
      `posted to Alertmanager at ${ALERTMANAGER_URL}`,
  );
  let active: AmAlert[];
  try {
    const filter = encodeURIComponent('service="mesh-momentum"');
    const response = await fetch(`${ALERTMANAGER_URL}/api/v2/alerts?filter=${filter}`, {
      signal: AbortSignal.timeout(5_000),
    });
    active = (await response.json()) as AmAlert[];
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
