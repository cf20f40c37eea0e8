import { describe, expect, it } from 'vitest';
import type { Notification } from '@mesh-momentum/alerting';
import { createSilence, pauseScope, resumeScope, webhookChannel, type Alerter } from '@mesh-momentum/alerter';
import { domainRef, keys, MomentumReader } from '@mesh-momentum/store';
import {
  alerterConfig,
  DAY_MS,
  HOUR_MS,
  makeAlerter,
  MINUTE_MS,
  onboarded,
  Receiver,
  receiverForBlock,
  rhythm,
  rules,
  ScoreDriver,
} from './support/alerter-harness.ts';
import { storeHarness } from './support/store-harness.ts';
import { scoreOf } from './support/scores.ts';

/**
 * The alerter on real Redis with the real store writer and the one stall definition: scores are
 * written and refreshed as of simulated instants (as the processor's periodic refresh does), and the
 * alerter runs on the same simulated clock. Deliveries go over real HTTP to a local receiver.
 */
const START = Date.UTC(2026, 0, 5);
const LAST = START + 26 * 7 * DAY_MS; // half a year of weekly events, then silence

async function silentDomainScenario(
  driver: ScoreDriver,
  reader: MomentumReader,
  alerters: readonly Alerter[],
  options: { recoverOnDay: number; onDay?: (day: number, t: number) => Promise<void> },
) {
  await driver.apply(rhythm('hr', 'hr.payroll', START, LAST, 7), LAST);
  const sent: Notification[] = [];
  let firstStalledMs: number | undefined;
  const tickAll = async (t: number) => {
    for (const a of alerters) sent.push(...(await a.tick(t)));
  };
  for (let day = 1; day <= options.recoverOnDay + 1; day++) {
    const t = LAST + day * DAY_MS;
    if (day === options.recoverOnDay) {
      // A burst of activity: the domain moves again.
      await driver.apply(
        Array.from({ length: 12 }, (_, i) => onboarded('hr', 'hr.payroll', t - HOUR_MS + i)),
        t,
      );
    }
    await driver.refresh(t);
    await options.onDay?.(day, t);
    const stalled = (await scoreOf(reader, domainRef('hr')))?.stalled ?? false;
    if (stalled && firstStalledMs === undefined) firstStalledMs = t;
    // Four evaluations an hour apart each simulated day.
    for (let h = 0; h < 4; h++) await tickAll(t + h * HOUR_MS);
  }
  return { sent, firstStalledMs };
}

describe('alerter: a domain goes silent, then recovers', () => {
  const harness = storeHarness('alerter-silent');
  const receiver = receiverForBlock();

  it('sends exactly one firing notification after `for`, none before, and exactly one resolved', async () => {
    const redis = harness.redis();
    const config = alerterConfig(
      { webhookUrl: receiver.url },
      { rules: rules(2 * HOUR_MS, HOUR_MS, false), repeatIntervalMs: 30 * DAY_MS },
    );
    const alerter = makeAlerter(redis, harness.ks.prefix, config, 'a');
    const reader = new MomentumReader(redis, { prefix: harness.ks.prefix });
    const { sent, firstStalledMs } = await silentDomainScenario(
      new ScoreDriver(redis, harness.ks),
      reader,
      [alerter],
      { recoverOnDay: 40 },
    );
    expect(firstStalledMs, 'the store says hr stalled at some point').toBeDefined();
    // hr is the whole mesh here, so the mesh stalls with it (its own group and notification).
    expect(sent.map((n) => [n.groupKey, n.status])).toEqual([
      ['scope_kind=mesh', 'firing'],
      ['domain=hr', 'firing'],
      ['domain=hr', 'resolved'],
      ['scope_kind=mesh', 'resolved'],
    ]);
    const firing = sent.filter((n) => n.status === 'firing' && n.groupKey === 'domain=hr');
    // Pending at the first evaluation that saw the stall, firing `for` (2 h) later, not before.
    expect(firing[0]!.decidedAtMs).toBe(firstStalledMs! + 2 * HOUR_MS);
    expect(firing[0]!.alerts[0]!.labels).toMatchObject({ alertname: 'DomainMomentumStalled', domain: 'hr' });
    expect(firing[0]!.alerts[0]!.evidence.stallReason).toBeDefined();
    expect(firing[0]!.alerts[0]!.evidence.topEvents.length).toBeGreaterThan(0);
    // Delivered over HTTP, once per idempotency key.
    expect([...receiver.keys().values()]).toEqual([1, 1, 1, 1]);
    expect(receiver.alerts('firing')).toHaveLength(2);
    expect(receiver.alerts('resolved')).toHaveLength(2);
    expect(await alerter.store.outboxSize()).toBe(0);
  });
});

describe('alerter: silences', () => {
  const harness = storeHarness('alerter-silence');
  const receiver = receiverForBlock();

  it('suppresses the notification while the silence lasts, and notifies once it expired', async () => {
    const redis = harness.redis();
    const config = alerterConfig(
      { webhookUrl: receiver.url },
      { rules: rules(2 * HOUR_MS, HOUR_MS, false), repeatIntervalMs: 30 * DAY_MS },
    );
    const alerter = makeAlerter(redis, harness.ks.prefix, config, 'a');
    const reader = new MomentumReader(redis, { prefix: harness.ks.prefix });
    let silenceEndsMs = 0;
    const { sent, firstStalledMs } = await silentDomainScenario(
      new ScoreDriver(redis, harness.ks),
      reader,
      [alerter],
      {
        recoverOnDay: 45,
        onDay: async (day, t) => {
          if (day !== 1) return;
          silenceEndsMs = t + 30 * DAY_MS;
          await createSilence(
            alerter.store,
            {
              matchers: ['domain=hr'],
              endsAtMs: silenceEndsMs,
              createdBy: 'lead@example.com',
              comment: 'known: reorg',
            },
            t,
          );
        },
      },
    );
    expect(firstStalledMs).toBeLessThan(silenceEndsMs);
    // The mesh (hr is all of it) is not silenced: its alert goes out as usual.
    const firing = sent.filter((n) => n.status === 'firing' && n.groupKey === 'domain=hr');
    expect(firing).toHaveLength(1);
    expect(sent.filter((n) => n.status === 'firing' && n.groupKey === 'scope_kind=mesh')).toHaveLength(1);
    // The first evaluation after the silence ended (the next simulated day's first tick).
    expect(firing[0]!.decidedAtMs).toBeGreaterThanOrEqual(silenceEndsMs);
    expect(firing[0]!.decidedAtMs - silenceEndsMs).toBeLessThan(DAY_MS);
    expect(receiver.alerts('firing').filter((a) => a.labels['domain'] === 'hr')).toHaveLength(1);
  });
});

describe('alerter: broken rhythm', () => {
  const harness = storeHarness('alerter-rhythm');

  it('a weekly product alerts after a few missed weeks; a quarterly one does not', async () => {
    const redis = harness.redis();
    const config = alerterConfig({}, { rules: rules(0, 0, true) });
    const alerter = makeAlerter(redis, harness.ks.prefix, config, 'a');
    const driver = new ScoreDriver(redis, harness.ks);
    const end = START + 2 * 364 * DAY_MS;
    await driver.apply(
      [
        ...rhythm('ops', 'ops.weekly', end - 364 * DAY_MS, end, 7),
        ...rhythm('ops', 'ops.quarterly', end - 8 * 91 * DAY_MS, end, 91),
      ],
      end,
    );
    const t = end + 35 * DAY_MS; // five missed weeks; a third of a quarter
    await driver.refresh(t);
    const notifications = await alerter.tick(t);
    const products = notifications
      .flatMap((n) => n.alerts)
      .map((a) => a.labels['product'])
      .filter(Boolean);
    expect(products).toEqual(['ops.weekly']);
    const weekly = notifications.flatMap((n) => n.alerts).find((a) => a.labels['product'] === 'ops.weekly')!;
    expect(weekly.evidence.stallReason).toBe('broken-rhythm');
  });
});

describe('alerter: crash, two instances, failover', () => {
  const harness = storeHarness('alerter-ha');
  const receiver = receiverForBlock();

  it('two alerters notify once; a crash between deciding and delivering delivers after restart, once per key', async () => {
    const redis = harness.redis();
    const config = alerterConfig(
      // A send starts only while the lease outlasts its bound: TTL ≥ 2 × the delivery timeout.
      { webhookUrl: receiver.url, leaseTtlMs: 1_500, deliveryTimeoutMs: 500 },
      { rules: rules(0, 0, true), repeatIntervalMs: 30 * DAY_MS },
    );
    const driver = new ScoreDriver(redis, harness.ks);
    await driver.apply(rhythm('hr', 'hr.payroll', START, LAST, 7), LAST);
    const t = LAST + 40 * DAY_MS;
    await driver.refresh(t);

    // Instance a decides (state + outbox committed), then "crashes" before delivering anything.
    const a = makeAlerter(redis, harness.ks.prefix, config, 'a');
    const epoch = await a.lease.tick();
    expect(epoch).toBeDefined();
    const decided = await a.evaluateOnce(epoch!, t);
    expect(decided.length).toBeGreaterThan(0);
    expect(receiver.requests).toHaveLength(0);
    expect(await a.store.outboxSize()).toBe(decided.length);

    // b runs beside it: standby while a's lease lasts, then takes over within the TTL (real time:
    // the lease lives in Redis) and delivers what a decided.
    const b = makeAlerter(redis, harness.ks.prefix, config, 'b');
    const c = makeAlerter(redis, harness.ks.prefix, config, 'c');
    expect(await b.tick(t + MINUTE_MS)).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    const began = Date.now();
    while ((await b.lease.tick()) === undefined) await new Promise((r) => setTimeout(r, 100));
    expect(Date.now() - began).toBeLessThan(config.leaseTtlMs + 1_000);
    for (let i = 0; i < 5; i++) {
      await b.tick(t + (2 + i) * MINUTE_MS);
      await c.tick(t + (2 + i) * MINUTE_MS);
    }
    const keys = receiver.keys();
    expect([...keys.keys()].sort()).toEqual(decided.map((n) => n.idempotencyKey).sort());
    expect([...keys.values()].every((n) => n === 1)).toBe(true);

    // The old instance comes back with its old epoch: its writes are refused, it notifies nothing.
    await expect(a.evaluateOnce(epoch!, t + HOUR_MS)).rejects.toMatchObject({
      code: 'MM_ERR_ALERTER_FENCED',
    });
    expect(await a.tick(t + HOUR_MS)).toEqual([]);
    expect(receiver.requests).toHaveLength(decided.length);
  });

  it('a dead endpoint is retried with back-off and never blocks another channel', async () => {
    const redis = harness.redis();
    const dead = await new Receiver().start();
    dead.failWith = 503;
    const config = alerterConfig({ webhookUrl: receiver.url }, { rules: rules(0, 0, false) });
    const alive = webhookChannel(receiver.url, [], 2_000);
    // The dead endpoint stands in the chat channel's place: two channels, one of them down.
    const broken = { ...webhookChannel(dead.url, [], 2_000), name: 'chat' as const };
    const alerter = makeAlerter(redis, harness.ks.prefix, config, 'd', [broken, alive]);
    const before = receiver.requests.length;
    // The first test's alerts are still firing (no repeat due); a new domain goes silent.
    const driver = new ScoreDriver(redis, harness.ks);
    await driver.apply(rhythm('sales', 'sales.leads', START, LAST, 7), LAST + 1);
    const t = LAST + 41 * DAY_MS;
    await driver.refresh(t);
    // The previous test's instances are gone; their lease is handed over at once.
    await redis.del(`${harness.ks.prefix}:{alerter}:lease`);
    const decided = await alerter.tick(t);
    expect(decided.length).toBeGreaterThan(0);
    expect(receiver.requests.length - before).toBe(decided.length);
    expect(dead.requests).toHaveLength(0);
    const due = await alerter.store.due(Number.MAX_SAFE_INTEGER, 100);
    expect(due.map((d) => d.channel)).toEqual(decided.map(() => 'chat'));
    expect(due[0]!.attempts).toBe(1);
    // Back-off: not retried before retryBaseMs, retried after it; delivered once the endpoint is back.
    await alerter.deliverDue((await alerter.lease.tick())!, t + 30_000);
    expect((await alerter.store.due(Number.MAX_SAFE_INTEGER, 100))[0]!.attempts).toBe(1);
    dead.failWith = undefined;
    await alerter.deliverDue((await alerter.lease.tick())!, t + MINUTE_MS);
    expect(dead.requests).toHaveLength(decided.length);
    expect(await alerter.store.outboxSize()).toBe(0);
    await dead.stop();
  });
});

describe('alerter: flapping', () => {
  const harness = storeHarness('alerter-flapping');
  const receiver = receiverForBlock();

  it('a verdict that flips at every evaluation fires once and does not resolve while it flips', async () => {
    const redis = harness.redis();
    const ks = harness.ks;
    // The score hash as the processor writes it (the contract's fields), flipped by hand around the
    // rule: what a scope hovering at a threshold looks like to the alerter.
    await redis.sadd(keys.domains(ks), 'ops');
    const write = (stalled: boolean, asOfMs: number) =>
      redis.hset(keys.scopeScore(ks, 'ops', { kind: 'domain' }), {
        asOfMs: String(asOfMs),
        momentum: stalled ? '14.5' : '15.5',
        value: '40',
        momentumRaw: '1',
        valueRaw: '1',
        momentumTrend7: '-1',
        momentumTrend30: '-4',
        valueTrend7: '0',
        valueTrend30: '0',
        quadrant: 'grind',
        stalled: stalled ? '1' : '0',
        stallReason: stalled ? 'low-momentum' : '',
        lastPositiveEventMs: String(asOfMs - 20 * DAY_MS),
        lastEventMs: String(asOfMs - 2 * DAY_MS),
        eventCount: '40',
        counts: '{}',
        standing: '{}',
      });
    const config = alerterConfig(
      { webhookUrl: receiver.url },
      { rules: rules(20 * MINUTE_MS, 2 * HOUR_MS, false), repeatIntervalMs: 30 * DAY_MS },
    );
    const alerter = makeAlerter(redis, ks.prefix, config, 'f');
    const t0 = LAST;
    const sent: Notification[] = [];
    // Flipping every 10 minutes: pending never lasts `for` (20 min): nothing fires.
    for (let i = 0; i < 36; i++) {
      const t = t0 + i * 10 * MINUTE_MS;
      await write(i % 2 === 0, t);
      sent.push(...(await alerter.tick(t)));
    }
    expect(sent).toEqual([]);
    // Held for 30 minutes: fires once; then flipping every 10 minutes for 6 hours, each gap shorter than
    // keep_firing_for (2 h): no resolution, no second firing.
    const t1 = t0 + 6 * HOUR_MS;
    for (let i = 0; i < 4; i++) {
      await write(true, t1 + i * 10 * MINUTE_MS);
      sent.push(...(await alerter.tick(t1 + i * 10 * MINUTE_MS)));
    }
    for (let i = 4; i < 40; i++) {
      await write(i % 2 === 0, t1 + i * 10 * MINUTE_MS);
      sent.push(...(await alerter.tick(t1 + i * 10 * MINUTE_MS)));
    }
    expect(sent.map((n) => n.status)).toEqual(['firing']);
    // It settles: resolved once, `keep_firing_for` after it last held.
    const t2 = t1 + 40 * 10 * MINUTE_MS;
    for (let i = 0; i < 15; i++) {
      await write(false, t2 + i * 10 * MINUTE_MS);
      sent.push(...(await alerter.tick(t2 + i * 10 * MINUTE_MS)));
    }
    expect(sent.map((n) => n.status)).toEqual(['firing', 'resolved']);
    expect(receiver.alerts().map((a) => a.status)).toEqual(['firing', 'resolved']);
  });
});

describe('alerter: pauses', () => {
  const harness = storeHarness('alerter-pauses');
  const receiver = receiverForBlock();

  it('a paused scope does not alert: its firing alert resolves once, saying paused; resumed, it is judged again', async () => {
    const redis = harness.redis();
    const config = alerterConfig(
      { webhookUrl: receiver.url },
      { rules: rules(0, 0, true), repeatIntervalMs: 30 * DAY_MS },
    );
    const alerter = makeAlerter(redis, harness.ks.prefix, config, 'p');
    const driver = new ScoreDriver(redis, harness.ks);
    // Two silent domains: hr will be paused, ops not.
    await driver.apply(
      [...rhythm('hr', 'hr.payroll', START, LAST, 7), ...rhythm('ops', 'ops.orders', START, LAST, 7)],
      LAST,
    );
    const t = LAST + 40 * DAY_MS;
    await driver.refresh(t);
    const fired = await alerter.tick(t);
    const firingScopes = (ns: Notification[]) =>
      ns
        .flatMap((n) => n.alerts)
        .filter((a) => a.status === 'firing')
        .map((a) => a.labels['product'] ?? a.labels['domain'] ?? 'mesh')
        .sort();
    expect(firingScopes(fired)).toEqual(['hr', 'hr.payroll', 'mesh', 'ops', 'ops.orders']);

    // hr is paused (the domain covers its products): resolved once, saying so; ops goes on firing.
    await pauseScope(
      alerter.store,
      { scope: 'domain:hr', reason: 'reorg until March', createdBy: 'lead' },
      t + HOUR_MS,
    );
    const paused = await alerter.tick(t + HOUR_MS);
    const resolved = paused.flatMap((n) => n.alerts);
    expect(resolved.map((a) => [a.labels['product'] ?? a.labels['domain'], a.status]).sort()).toEqual([
      ['hr', 'resolved'],
      ['hr.payroll', 'resolved'],
    ]);
    for (const a of resolved) {
      expect(a.evidence.exemption).toBe('paused');
      expect(a.annotations['summary']).toMatch(/not judged: paused \("reorg until March"\)$/);
    }
    // While paused (the processor still judges hr stalled), nothing more about hr, however long.
    const during: Notification[] = [];
    for (let d = 1; d <= 3; d++) {
      await driver.refresh(t + d * DAY_MS);
      during.push(...(await alerter.tick(t + d * DAY_MS)));
    }
    expect(during.flatMap((n) => n.alerts).filter((a) => a.labels['domain'] === 'hr')).toEqual([]);
    const hrStates = [...(await alerter.store.states()).values()].filter((s) => s.labels['domain'] === 'hr');
    expect(hrStates.every((s) => s.status === 'resolved' || s.status === 'inactive')).toBe(true);
    expect(receiver.alerts('resolved').filter((a) => a.labels['domain'] === 'hr')).toHaveLength(2);

    // Resumed: judged afresh, a new episode (for = 0: firing at once).
    await resumeScope(alerter.store, 'domain:hr');
    const resumed = await alerter.tick(t + 4 * DAY_MS);
    expect(firingScopes(resumed)).toEqual(['hr', 'hr.payroll']);
    expect(await alerter.store.pauses()).toEqual([]);
  });

  it('pruning an ended pause keeps the pause set again for the same scope while the prune ran', async () => {
    const redis = harness.redis();
    const alerter = makeAlerter(redis, harness.ks.prefix, alerterConfig(), 'prune');
    const t = LAST;
    await pauseScope(
      alerter.store,
      { scope: 'domain:ops', reason: 'freeze', createdBy: 'lead', durationMs: HOUR_MS },
      t,
    );
    // The prune reads the ended pause; before it deletes, someone pauses ops again (the API's write).
    const hgetall = redis.hgetall.bind(redis);
    redis.hgetall = (async (...args: Parameters<typeof hgetall>) => {
      const read = await hgetall(...args);
      redis.hgetall = hgetall;
      await pauseScope(
        alerter.store,
        { scope: 'domain:ops', reason: 'freeze again', createdBy: 'lead', durationMs: DAY_MS },
        t + 2 * HOUR_MS,
      );
      return read;
    }) as typeof redis.hgetall;
    expect(await alerter.store.prunePauses(t + 2 * HOUR_MS)).toBe(0);
    expect((await alerter.store.getPause('domain:ops'))?.reason).toBe('freeze again');
    // Once it has ended too, it goes.
    expect(await alerter.store.prunePauses(t + 2 * DAY_MS)).toBe(1);
    expect(await alerter.store.pauses()).toEqual([]);
  });
});
