import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '@mesh-momentum/common';
import { DEFAULT_SCORING_CONFIG, type ScoringEvent } from '@mesh-momentum/scoring';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { MomentumReader, type RedisClient } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import { expectRedisMatchesReference, toScoring } from './support/reference.ts';
import { byDomain, partitionApplier, storeHarness } from './support/store-harness.ts';

/** The client, with `afterExec` called once after the next pipeline's replies arrive. */
function withHookAfterNextPipeline(redis: RedisClient): {
  client: RedisClient;
  afterExec(hook: () => void): void;
} {
  let pending: (() => void) | undefined;
  const client = new Proxy(redis, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'pipeline' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const pipeline = (value as (...a: unknown[]) => ReturnType<RedisClient['pipeline']>).apply(
          target,
          args,
        );
        const exec = pipeline.exec.bind(pipeline);
        pipeline.exec = async () => {
          const replies = await exec();
          const hook = pending;
          pending = undefined;
          hook?.();
          return replies;
        };
        return pipeline;
      };
    },
  });
  return { client, afterExec: (hook) => void (pending = hook) };
}

/**
 * A reconnect drops every mirror (Redis may have lost writes) at any moment, also while a batch is
 * loading the mirrors it lacks. The batch then stops before writing, and its retry must plan from what
 * Redis holds: a domain planned before the stop must not keep the batch's events in its mirror, or the
 * retry counts them twice.
 */
describe('a store whose mirrors are dropped while a batch loads them', () => {
  const harness = storeHarness('mirrors-dropped');
  const { ks } = harness;

  it('fails the batch retriably, and its retry counts every event once', async () => {
    const events: ScoringEvent[] = toScoring(
      simulateProgramme({ seed: 71, endMs: Date.now() - 3_600_000, scale: 0.3 }),
    );
    // Two domains of one partition: `loaded` is mirrored before the batch, `fresh` is loaded by it.
    const [fresh, loaded] = [...byDomain(events, 0).values()]
      .map((batch) => batch.map(({ event }) => event))
      .sort((a, b) => b.length - a.length);
    if (!fresh || !loaded) throw new Error('the programme has fewer than two domains');
    const half = Math.floor(loaded.length / 2);
    const first = loaded.slice(0, half);
    // `fresh` first: planned (and merged into its new mirror) before `loaded`'s missing mirror stops it.
    const second = [...fresh, ...loaded.slice(half)];

    const { client, afterExec } = withHookAfterNextPipeline(harness.redis());
    const store = new ScoreStore(client, ks, DEFAULT_SCORING_CONFIG);
    const asOfMs = Date.now();
    const apply = await partitionApplier(store, 'dropped', asOfMs);

    await apply(first, 0);
    // The next pipeline is the batch reading `fresh`'s version: the reconnect lands right after it.
    afterExec(() => store.forgetMirrors());
    const stopped = await apply(second, first.length).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(stopped).toBeInstanceOf(StoreUnavailableError);
    expect((stopped as StoreUnavailableError).retriable).toBe(true);

    const retried = await apply(second, first.length);
    expect(retried.applied).toBe(second.length);
    await store.refreshMesh(asOfMs);
    await expectRedisMatchesReference(new MomentumReader(client, { prefix: ks.prefix }), [
      ...first,
      ...second,
    ]);
  }, 120_000);
});
