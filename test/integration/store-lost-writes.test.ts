import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_CONFIG, type ScoringEvent } from '@mesh-momentum/scoring';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { MomentumReader } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import { expectRedisMatchesReference, toScoring } from './support/reference.ts';
import { partitionApplier, storeHarness } from './support/store-harness.ts';

/**
 * The store writes values computed from its in-memory mirror, guarded by the domain's version. Here
 * Redis silently goes back in time under a live store (a failover to a lagging replica, a restore from
 * an older copy, without the client reconnecting): the store's next batch must be refused as stale,
 * not overwrite Redis with values that include writes Redis no longer has. Replaying the lost batch
 * (as the processor does from the progress Redis still has) then ends at the reference scores.
 */
describe('a store whose Redis lost its last writes', () => {
  const harness = storeHarness('lost-writes');
  const { ks } = harness;

  /** Every key of the namespace, serialised (what an older copy of Redis would hold). */
  async function snapshot(): Promise<Map<string, Buffer>> {
    const saved = new Map<string, Buffer>();
    const redis = harness.redis();
    for (const key of await redis.keys(`${ks.prefix}:${ks.namespace}:*`)) {
      const dump = await redis.dumpBuffer(key);
      if (dump) saved.set(key, dump);
    }
    return saved;
  }

  async function restore(saved: Map<string, Buffer>): Promise<void> {
    const redis = harness.redis();
    const now = await redis.keys(`${ks.prefix}:${ks.namespace}:*`);
    if (now.length > 0) await redis.unlink(...now);
    for (const [key, dump] of saved) await redis.restore(key, 0, dump, 'REPLACE');
  }

  it('refuses values computed from writes Redis lost, and converges once they are replayed', async () => {
    const events: ScoringEvent[] = toScoring(
      simulateProgramme({ seed: 61, endMs: Date.now() - 3_600_000, scale: 0.3 }),
    );
    const third = Math.floor(events.length / 3);
    const [first, second, last] = [
      events.slice(0, third),
      events.slice(third, 2 * third),
      events.slice(2 * third),
    ];
    const redis = harness.redis();
    const store = new ScoreStore(redis, ks, DEFAULT_SCORING_CONFIG);
    const asOfMs = Date.now();
    const apply = await partitionApplier(store, 'lost', asOfMs);

    await apply(first, 0);
    const afterFirst = await snapshot();
    await apply(second, third);
    await restore(afterFirst); // Redis loses the second batch; the store is not told

    const result = await apply(last, 2 * third);
    expect(result.applied).toBe(last.length);
    await apply(second, third); // the replay of what Redis lost
    await store.refreshMesh(asOfMs);
    await expectRedisMatchesReference(new MomentumReader(redis, { prefix: ks.prefix }), events);
  }, 120_000);
});
