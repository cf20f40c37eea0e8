import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAlertmanager, type AlertmanagerService } from '@mesh-momentum/testing';
import {
  alerterConfig,
  DAY_MS,
  makeAlerter,
  onboarded,
  rhythm,
  rules,
  ScoreDriver,
} from './support/alerter-harness.ts';
import { storeHarness } from './support/store-harness.ts';

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
  startsAt: string;
}

async function amAlerts(url: string, domain: string): Promise<AmAlert[]> {
  const filter = encodeURIComponent(`domain="${domain}"`);
  const response = await fetch(`${url}/api/v2/alerts?filter=${filter}`, {
    signal: AbortSignal.timeout(5_000),
  });
  expect(response.ok).toBe(true);
  return (await response.json()) as AmAlert[];
}

/**
 * A real Prometheus Alertmanager (Debian's prometheus-alertmanager, started by infra/local through the
 * harness when MM_TEST_ALERTMANAGER_URL does not name one). Alertmanager judges endsAt on its own
 * clock, so this test runs on the wall clock: the scores are written as of now.
 */
describe('alerter → Alertmanager', () => {
  const harness = storeHarness('alerter-am');
  let am: AlertmanagerService;
  beforeAll(async () => {
    am = await ensureAlertmanager();
  }, 600_000);
  afterAll(async () => am?.stop());

  it('posts the alert with our labels and annotations, visible through its API, and resolves it', async () => {
    const redis = harness.redis();
    // A domain name of its own: Alertmanager keeps alerts of earlier runs until they end.
    const domain = `am-${randomBytes(4).toString('hex')}`;
    const config = alerterConfig({ alertmanagerUrl: am.url }, { rules: rules(0, 0, false) });
    const alerter = makeAlerter(redis, harness.ks.prefix, config, 'am');
    const driver = new ScoreDriver(redis, harness.ks);
    const now = Date.now();
    const last = now - 40 * DAY_MS;
    await driver.apply(rhythm(domain, `${domain}.orders`, last - 180 * DAY_MS, last, 7), last);
    await driver.refresh(now);

    const fired = await alerter.tick(now);
    expect(fired.map((n) => n.groupKey)).toContain(`domain=${domain}`);
    const active = await amAlerts(am.url, domain);
    expect(active).toHaveLength(1);
    expect(active[0]!.status.state).toBe('active');
    expect(active[0]!.labels).toEqual({
      alertname: 'DomainMomentumStalled',
      domain,
      scope_kind: 'domain',
      severity: 'warning',
      service: 'mesh-momentum',
    });
    expect(active[0]!.annotations['summary']).toBe(
      `Momentum of domain "${domain}" stalled: ${fired[0]!.alerts[0]!.evidence.stallReason}`,
    );
    expect(active[0]!.annotations['dashboard_url']).toBe(`http://127.0.0.1:8090/#/domain/${domain}`);
    // The evidence the processor wrote: every rule that holds with its value and threshold, and since when.
    const evidence = fired.find((n) => n.groupKey === `domain=${domain}`)!.alerts[0]!.evidence;
    expect(evidence.findings.length).toBeGreaterThan(0);
    expect(evidence.findings[0]!.rule).toBe(evidence.stallReason);
    expect(active[0]!.annotations['description']).toContain(`${evidence.stallReason} (`);
    expect(active[0]!.annotations['description']).toMatch(/vs threshold \d/);
    expect(Date.parse(active[0]!.annotations['stalled_since'] ?? '')).toBeLessThanOrEqual(now);

    // The domain moves again: resolved at the next evaluation (keep_firing_for 0), posted with endsAt.
    const later = Date.now();
    await driver.apply(
      Array.from({ length: 12 }, (_, i) => onboarded(domain, `${domain}.orders`, later - 60_000 + i)),
      later,
    );
    await driver.refresh(later);
    const resolved = await alerter.tick(later);
    expect(resolved.flatMap((n) => n.alerts).map((a) => a.status)).toContain('resolved');
    // Alertmanager lists only alerts whose endsAt lies ahead: a resolved one disappears.
    const deadline = Date.now() + 5_000;
    let remaining = await amAlerts(am.url, domain);
    while (remaining.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      remaining = await amAlerts(am.url, domain);
    }
    expect(remaining).toEqual([]);
  });
});
