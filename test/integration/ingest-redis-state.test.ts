import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { createLogger, ErrorCodes } from '@mesh-momentum/common';
import {
  DeliveryLedger,
  ingestKeys,
  RateBudget,
  RetirementHolds,
  UnmappedRegistry,
} from '@mesh-momentum/ingest';
import { startSilentServer, uniqueSuffix } from '@mesh-momentum/testing';

/** The gateway's state in real Redis: the delivery ledger's life cycle and the bounded unmapped list. */
describe('ingest state in Redis', () => {
  let redis: Redis;
  const keys = ingestKeys(`test-ingest-state-${uniqueSuffix()}`);

  beforeAll(() => {
    redis = new Redis(inject('services').redisUrl);
  });
  afterAll(async () => {
    const leftovers = await redis.keys(`${keys.unmapped.replace(/:unmapped$/, '')}:*`);
    if (leftovers.length > 0) await redis.del(...leftovers);
    redis.disconnect();
  });

  it('claims a delivery once: pending while in flight, done after, free again when released', async () => {
    const ledger = new DeliveryLedger(redis, { pendingTtlMs: 10_000, doneTtlSeconds: 60 });
    const key = keys.delivery('github', 'https://github.com/acme', 'd-1');
    const first = await ledger.claim(key);
    expect(first.state).toBe('claimed');
    expect(await ledger.claim(key)).toEqual({ state: 'pending' });
    expect(await ledger.release(key, (first as { claim: string }).claim)).toBe(true);
    expect((await ledger.claim(key)).state).toBe('claimed');
    await ledger.complete(key);
    expect(await ledger.claim(key)).toEqual({ state: 'done' });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    // Another tool instance with the same delivery id is another delivery.
    expect((await ledger.claim(keys.delivery('github', 'https://github.com/other', 'd-1'))).state).toBe(
      'claimed',
    );
  });

  it("never lets a request's late release erase another request's done marker (compare-and-delete)", async () => {
    const ledger = new DeliveryLedger(redis, { pendingTtlMs: 10_000, doneTtlSeconds: 60 });
    const key = keys.delivery('github', 'https://github.com/acme', 'd-late');
    const slow = await ledger.claim(key);
    expect(slow.state).toBe('claimed');
    // The slow request's claim expires (deleted here instead of waiting for its TTL) ...
    await redis.del(key);
    // ... a redelivery claims the key and Kafka acknowledges it ...
    const retry = await ledger.claim(key);
    expect(retry.state).toBe('claimed');
    await ledger.complete(key);
    // ... then the slow request fails and releases what it believes is its claim.
    expect(await ledger.release(key, (slow as { claim: string }).claim)).toBe(false);
    expect(await ledger.claim(key)).toEqual({ state: 'done' });
    // A claim taken over by another request is not released either.
    const other = keys.delivery('github', 'https://github.com/acme', 'd-late-2');
    const a = (await ledger.claim(other)) as { claim: string };
    await redis.del(other);
    expect((await ledger.claim(other)).state).toBe('claimed');
    expect(await ledger.release(other, a.claim)).toBe(false);
    expect(await ledger.claim(other)).toEqual({ state: 'pending' });
  });

  it('keeps only the most recently seen unmapped entities, without duplicates', async () => {
    const registry = new UnmappedRegistry(redis, keys.unmapped, 3);
    const entity = (ref: string) => ({
      status: 'unmapped' as const,
      tool: 'github' as const,
      ref,
      reason: 'no mapping',
    });
    await registry.record([entity('a'), entity('b')], 1_000);
    await registry.record([entity('c'), entity('d')], 2_000);
    await registry.record([entity('a')], 3_000);
    const listed = await registry.list(10);
    expect(listed.map((e) => e.ref)).toEqual(['a', expect.any(String), expect.any(String)]);
    expect(new Set(listed.map((e) => e.ref))).toEqual(new Set(['a', 'c', 'd']));
    expect(listed[0]?.lastSeen).toBe('1970-01-01T00:00:03.000Z');
    expect(await redis.zcard(keys.unmapped)).toBe(3);
  });

  it('keeps a Backstage confirmation given while a round covered by it was being judged', async () => {
    const holds = new RetirementHolds(redis, keys);
    const mass = { known: 10, retiring: ['component:a', 'component:b'], share: 0.2 };
    await holds.hold('bs-race', mass, 0.1, 1_000);
    // The operator confirms after the poller read the hold, before the poller writes it again.
    expect((await holds.confirm('bs-race', 2_000))?.confirmedAt).toBeDefined();
    const again = await holds.hold('bs-race', mass, 0.1, 3_000);
    expect(again.confirmedAt).toBe(new Date(2_000).toISOString());
    expect(RetirementHolds.allows(await holds.get('bs-race'), mass)).toBe(true);
    // A round that would retire more than was confirmed needs a new confirmation.
    const more = { known: 10, retiring: ['component:a', 'component:b', 'component:c'], share: 0.3 };
    expect((await holds.hold('bs-race', more, 0.1, 4_000)).confirmedAt).toBeUndefined();
    await holds.clear('bs-race');
  });

  /** Takes one unit `count` times at once; how many were admitted, and the codes of the refusals. */
  async function takeMany(budget: RateBudget, id: string, count: number) {
    const outcomes = await Promise.allSettled(
      Array.from({ length: count }, () => budget.take({ kind: 'token', id }, 1)),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected');
    return {
      admitted: count - refused.length,
      codes: new Set(refused.map((o) => (o.reason as { code: string }).code)),
    };
  }

  it("leases a token's budget: one Redis call serves many requests, and one instance admits exactly max", async () => {
    const logger = createLogger({ name: 'rate-budget-test', level: 'silent' });
    const options = { max: 1_000, windowMs: 60_000, key: keys.rateBudget };
    const budget = new RateBudget(redis, options, logger);
    const key = keys.rateBudget('token', 'leased');
    await budget.take({ kind: 'token', id: 'leased' }, 1);
    // The first request took its unit and a lease of 1 % of max.
    expect(await redis.get(key)).toBe('11');
    expect((await takeMany(budget, 'leased', 10)).admitted).toBe(10);
    expect(await redis.get(key)).toBe('11');
    // Hundreds at once: exactly what is left of the window, the rest refused as rate-limited.
    const burst = await takeMany(budget, 'leased', 1_200);
    expect(burst.admitted).toBe(1_000 - 11);
    expect(burst.codes).toEqual(new Set([ErrorCodes.INGEST_RATE_LIMITED]));
    expect(await redis.get(key)).toBe('1000');
  });

  it('never admits more than max across instances, each losing at most one lease', async () => {
    const logger = createLogger({ name: 'rate-budget-test', level: 'silent' });
    const options = { max: 1_000, windowMs: 60_000, key: keys.rateBudget };
    const instances = [new RateBudget(redis, options, logger), new RateBudget(redis, options, logger)];
    let admitted = 0;
    for (let round = 0; round < 8; round++) {
      const rounds = await Promise.all(instances.map((b) => takeMany(b, 'shared', 97)));
      admitted += rounds.reduce((sum, r) => sum + r.admitted, 0);
    }
    expect(Number(await redis.get(keys.rateBudget('token', 'shared')))).toBeLessThanOrEqual(1_000);
    expect(admitted).toBeLessThanOrEqual(1_000);
    expect(admitted).toBeGreaterThanOrEqual(1_000 - 2 * 10);
  });

  /**
   * A RateBudget (max 1000: leases of 10 units) on a Redis that accepts and never answers: each command
   * fails after COMMAND_TIMEOUT_MS. `scripts()` lists the budget scripts sent so far.
   */
  const COMMAND_TIMEOUT_MS = 300;
  async function onHungRedis(test: (budget: RateBudget, scripts: () => string[]) => Promise<void>) {
    const silent = await startSilentServer();
    const hung = new Redis({
      port: silent.port,
      host: '127.0.0.1',
      commandTimeout: COMMAND_TIMEOUT_MS,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
    });
    hung.on('error', () => undefined);
    try {
      const logger = createLogger({ name: 'rate-budget-test', level: 'silent' });
      const budget = new RateBudget(hung, { max: 1_000, windowMs: 60_000, key: keys.rateBudget }, logger);
      // Every command goes through sendCommand (the budget's script as EVALSHA; CLIENT SETINFO on connect).
      const sent = vi.spyOn(hung, 'sendCommand');
      await test(budget, () =>
        sent.mock.calls.map(([command]) => command.name).filter((name) => name.startsWith('eval')),
      );
    } finally {
      hung.disconnect();
      await silent.close();
    }
  }

  it('fails open at once for the requests waiting on a refill that a hung Redis failed', async () => {
    await onHungRedis(async (budget, scripts) => {
      const started = performance.now();
      const burst = await takeMany(budget, 'hung', 20);
      const elapsedMs = performance.now() - started;
      // All admitted (an outage must not refuse), and one refill for all of them: the 19 requests that
      // waited on the first refill do not each try (and wait out a timeout) of their own.
      expect(burst.admitted).toBe(20);
      expect(scripts()).toEqual(['evalsha']);
      // A loose bound on the same fact (one after another, 20 refills took 20 x 300 ms).
      expect(elapsedMs).toBeLessThan(10 * COMMAND_TIMEOUT_MS);
    });
  });

  it('sends requests larger than a lease to Redis at once, side by side, not through the lease line', async () => {
    await onHungRedis(async (budget, scripts) => {
      // Five batches of 50 events, each larger than a lease (10): their takes are all in flight together.
      const takes = Array.from({ length: 5 }, () => budget.take({ kind: 'token', id: 'batches' }, 50));
      await new Promise((resolve) => setTimeout(resolve, COMMAND_TIMEOUT_MS / 3));
      expect(scripts()).toHaveLength(5);
      // Redis hung: all fail open.
      await Promise.all(takes);
    });
  });
});
