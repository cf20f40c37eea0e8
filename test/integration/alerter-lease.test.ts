import { describe, expect, it } from 'vitest';
import { AlerterService, NotifierLease } from '@mesh-momentum/alerter';
import { alerterKeys } from '@mesh-momentum/alerting';
import { createLogger } from '@mesh-momentum/common';
import { startSilentServer } from '@mesh-momentum/testing';
import {
  alerterConfig,
  DAY_MS,
  makeAlerter,
  MINUTE_MS,
  receiverForBlock,
  rhythm,
  rules,
  ScoreDriver,
} from './support/alerter-harness.ts';
import { storeHarness } from './support/store-harness.ts';

/**
 * The notifier lease against real Redis. Its TTL lives in Redis, so these tests run on real time, with
 * TTLs of a second: the alert time they evaluate at is simulated as everywhere else.
 */
const LAST = Date.UTC(2026, 0, 5) + 26 * 7 * DAY_MS;

describe('alerter lease: a stale instance', () => {
  const harness = storeHarness('alerter-lease-stale');
  const receiver = receiverForBlock();

  it('sends nothing once its lease lapsed, so the new holder is the only one to notify', async () => {
    const redis = harness.redis();
    const config = alerterConfig(
      { webhookUrl: receiver.url, leaseTtlMs: 1_000, deliveryTimeoutMs: 300 },
      { rules: rules(0, 0, true), repeatIntervalMs: 30 * DAY_MS },
    );
    const driver = new ScoreDriver(redis, harness.ks);
    await driver.apply(rhythm('hr', 'hr.payroll', LAST - 180 * DAY_MS, LAST, 7), LAST);
    const t = LAST + 40 * DAY_MS;
    await driver.refresh(t);

    // a decides, then stalls (a long pause, a slow step) before it delivers: its lease lapses and b
    // takes over.
    const a = makeAlerter(redis, harness.ks.prefix, config, 'a');
    const epoch = (await a.lease.tick())!;
    const decided = await a.evaluateOnce(epoch, t);
    expect(decided.length).toBeGreaterThan(0);
    const b = makeAlerter(redis, harness.ks.prefix, config, 'b');
    const began = Date.now();
    while ((await b.lease.tick()) === undefined) await new Promise((r) => setTimeout(r, 50));
    expect(Date.now() - began).toBeLessThan(config.leaseTtlMs + 500);

    // a resumes where it stopped, with the deliveries it read: it must not send them.
    const refused: unknown = await a.deliverDue(epoch, t).catch((error: unknown) => error);
    expect(receiver.requests).toHaveLength(0);
    expect(refused).toMatchObject({ code: 'MM_ERR_ALERTER_FENCED', lapsed: true });
    await b.tick(t + MINUTE_MS);
    expect([...receiver.keys().keys()].sort()).toEqual(decided.map((n) => n.idempotencyKey).sort());
    expect([...receiver.keys().values()].every((n) => n === 1)).toBe(true);
    expect(await b.store.outboxSize()).toBe(0);
  });
});

describe('alerter lease: renewal on its own timer', () => {
  const harness = storeHarness('alerter-lease-renewal');

  it('keeps the lease through steps longer than its TTL: no other instance takes over meanwhile', async () => {
    const redis = harness.redis();
    // A webhook and an Alertmanager that accept connections and never answer: every step waits the
    // delivery bound for each (2 × 500 ms), longer than the 1 s TTL with the evaluation on top.
    const webhook = await startSilentServer();
    const alertmanager = await startSilentServer();
    const config = alerterConfig(
      {
        webhookUrl: `http://127.0.0.1:${webhook.port}/hook`,
        alertmanagerUrl: `http://127.0.0.1:${alertmanager.port}`,
        leaseTtlMs: 1_000,
        deliveryTimeoutMs: 500,
        retryBaseMs: 10,
        retryMaxMs: 10,
        evaluationIntervalMs: 1_000,
      },
      { rules: rules(0, 0, false) },
    );
    const now = Date.now();
    const driver = new ScoreDriver(redis, harness.ks);
    await driver.apply(rhythm('ops', 'ops.orders', now - 220 * DAY_MS, now - 40 * DAY_MS, 7), now);
    await driver.refresh(now);

    const a = makeAlerter(redis, harness.ks.prefix, config, 'a');
    const b = makeAlerter(redis, harness.ks.prefix, config, 'b');
    const service = new AlerterService(a, {
      evaluationIntervalMs: config.evaluationIntervalMs,
      logger: createLogger({ name: 'alerter-lease-test', level: 'silent' }),
    });
    service.start();
    try {
      // b tries every 50 ms for 4 s (several long steps of a).
      const until = Date.now() + 4_000;
      const bEpochs: number[] = [];
      while (Date.now() < until) {
        const epoch = await b.lease.tick();
        if (epoch !== undefined) bEpochs.push(epoch);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(bEpochs).toEqual([]);
      // a did work through those steps: it sent (and waited) several times.
      expect(webhook.accepted).toBeGreaterThanOrEqual(2);
      expect(alertmanager.accepted).toBeGreaterThanOrEqual(2);
    } finally {
      await service.stop();
      await webhook.close();
      await alertmanager.close();
    }
    // SIGTERM's release: b takes over at once.
    expect(await b.lease.tick()).toBeDefined();
  });
});

describe('alerter lease: a suspended host', () => {
  const harness = storeHarness('alerter-lease-suspend');

  it('does not trust a monotonic clock that stood still while the wall clock (and Redis) moved on', async () => {
    const redis = harness.redis();
    let monotonicMs = 0;
    let wallMs = Date.now();
    const lease = new NotifierLease(redis, alerterKeys(harness.ks.prefix), 'suspended', 10_000, {
      clock: () => monotonicMs,
      wallClock: () => wallMs,
    });
    const epoch = await lease.tick();
    expect(epoch).toBeGreaterThan(0);
    expect(lease.holds(epoch!, 1_000)).toBe(true);
    // The VM was paused for 20 s: CLOCK_MONOTONIC did not advance, the lease expired in Redis.
    wallMs += 20_000;
    expect(lease.holds(epoch!, 0)).toBe(false);
    monotonicMs += 1;
    expect(lease.holds(epoch!, 0)).toBe(false);
  });
});
