import { describe, expect, it } from 'vitest';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { alerterConfig, makeAlerter, rules, ScoreDriver } from './support/alerter-harness.ts';
import { toScoring } from './support/reference.ts';
import { storeHarness } from './support/store-harness.ts';

/**
 * The demo's calibrated alerting set (seed 42, the demo's default, scored an hour after its timeline
 * ends as packages/simulator's calibration test does): the events go through the real store writer,
 * and the alerter on Redis decides which domains and products fire.
 */
const END_MS = Date.parse('2026-06-01T00:00:00Z');
const AS_OF_MS = END_MS + 3_600_000;

describe('alerter on the demo programme', () => {
  const harness = storeHarness('alerter-demo');

  it('seed 42: hr fires (domain and 8 products), payments.chargebacks fires, nothing else in payments or logistics', async () => {
    const redis = harness.redis();
    const driver = new ScoreDriver(redis, harness.ks);
    const events = toScoring(simulateProgramme({ seed: 42, endMs: END_MS }));
    for (let i = 0; i < events.length; i += 500) await driver.apply(events.slice(i, i + 500), AS_OF_MS);
    await driver.refresh(AS_OF_MS);
    const alerter = makeAlerter(
      redis,
      harness.ks.prefix,
      alerterConfig({}, { rules: rules(0, 0, true) }),
      'demo',
    );
    const notifications = await alerter.tick(AS_OF_MS);
    const alerts = notifications.flatMap((n) => n.alerts);
    const domains = alerts.filter((a) => a.labels['scope_kind'] === 'domain').map((a) => a.labels['domain']);
    const productsPerDomain: Record<string, number> = {};
    for (const a of alerts.filter((x) => x.labels['scope_kind'] === 'product')) {
      productsPerDomain[a.labels['domain']!] = (productsPerDomain[a.labels['domain']!] ?? 0) + 1;
    }
    expect(domains).toEqual(['hr']);
    expect(alerts.some((a) => a.labels['scope_kind'] === 'mesh')).toBe(false);
    expect(productsPerDomain).toEqual({ hr: 8, marketing: 19, payments: 1 });
    expect(alerts.filter((a) => a.labels['domain'] === 'payments').map((a) => a.labels['product'])).toEqual([
      'payments.chargebacks',
    ]);
    // One notification per domain with alerts: hr's carries its domain alert and its products'.
    expect(notifications.map((n) => [n.groupKey, n.alerts.length])).toEqual([
      ['domain=hr', 9],
      ['domain=marketing', 19],
      ['domain=payments', 1],
    ]);
  });
});

describe('alerter on the demo programme, grouped by owner team', () => {
  const harness = storeHarness('alerter-demo-teams');

  it('every product alert carries the owner team the processor stored, and notifications group by it', async () => {
    const redis = harness.redis();
    const driver = new ScoreDriver(redis, harness.ks);
    const programme = simulateProgramme({ seed: 42, endMs: END_MS });
    // The owner of each product as its latest publication names it: what the score hash must carry.
    const ownerOf = new Map<string, { timeMs: number; team: string }>();
    for (const e of programme) {
      if (e.type !== 'DataProductPublished') continue;
      const held = ownerOf.get(e.productId);
      if (!held || e.time >= held.timeMs) ownerOf.set(e.productId, { timeMs: e.time, team: e.ownerTeam });
    }
    const events = toScoring(programme);
    for (let i = 0; i < events.length; i += 500) await driver.apply(events.slice(i, i + 500), AS_OF_MS);
    await driver.refresh(AS_OF_MS);
    const alerter = makeAlerter(
      redis,
      harness.ks.prefix,
      alerterConfig({}, { rules: rules(0, 0, true), groupBy: 'ownerTeam' }),
      'demo-teams',
    );
    const notifications = await alerter.tick(AS_OF_MS);
    const productAlerts = notifications
      .flatMap((n) => n.alerts)
      .filter((a) => a.labels['scope_kind'] === 'product');
    expect(productAlerts.length).toBe(28);
    for (const alert of productAlerts) {
      expect(alert.labels['owner_team'], alert.labels['product']).toBe(
        ownerOf.get(alert.labels['product']!)?.team,
      );
    }
    const teams = new Set(productAlerts.map((a) => a.labels['owner_team']));
    for (const team of teams) {
      const group = notifications.find((n) => n.groupKey === `owner_team=${team}`);
      expect(
        group?.alerts.every((a) => a.labels['owner_team'] === team),
        team,
      ).toBe(true);
    }
    // The domain alert has no owner team: it is grouped by its domain.
    expect(notifications.some((n) => n.groupKey === 'domain=hr')).toBe(true);
  });
});
