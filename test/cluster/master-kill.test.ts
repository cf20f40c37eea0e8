import { afterEach, describe, expect, inject, it } from 'vitest';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { isCluster, keys, type KeySpace, MomentumReader, slotOf } from '@mesh-momentum/store';
import {
  startPrivateRedisCluster,
  waitFor,
  type ClusterMaster,
  type PrivateRedisCluster,
} from '@mesh-momentum/testing';
import { processorConfig, TestPipeline } from '../integration/support/pipeline.ts';
import { expectRedisMatchesReference, toScoring } from '../integration/support/reference.ts';
import { appliedEvents } from '../integration/support/scores.ts';

let pipeline: TestPipeline | undefined;
let cluster: PrivateRedisCluster | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
  await cluster?.stop();
  cluster = undefined;
});

/** Events applied so far (sum of the domains' counts); undefined while a master is down. */
async function applied(reader: MomentumReader): Promise<number | undefined> {
  try {
    return await appliedEvents(reader);
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A master of the Redis Cluster killed with SIGKILL while the processor writes, and restarted from its
 * AOF: the batches that met the dead master are retried until it is back, and the scores converge to
 * the reference — nothing lost, nothing counted twice. Two kills: first the master holding the most
 * domains, then the one holding the mesh-wide keys (partition progress, epochs). The cluster is the
 * test's own, so the other cluster tests keep theirs.
 */
describe('Redis Cluster master killed mid-stream', () => {
  it('converges to the reference after two masters are SIGKILLed and restarted from their AOF', async () => {
    cluster = await startPrivateRedisCluster();
    pipeline = new TestPipeline(
      processorConfig(inject('services'), {
        name: 'cluster-master-kill',
        env: { MM_REDIS_CLUSTER_NODES: cluster.nodes, MM_PROCESSOR_TICK_MS: '1000' },
      }),
    );
    await pipeline.createTopics();
    const endMs = Date.now() - 3_600_000;
    // Twelve domains (three per story): enough hash tags to spread over the three masters.
    const stories = ['thriving', 'hype', 'grind', 'stalling'] as const;
    const specs = Array.from({ length: 12 }, (_, i) => ({
      domain: `d${i}`,
      story: stories[i % 4] ?? 'grind',
    }));
    // Per kill: one part in flight when the master dies, one produced while it is down.
    const parts = [71, 72, 73, 74].map((seed) =>
      simulateProgramme({ seed, endMs, scale: 0.45, domains: specs }),
    );
    const events = parts.flat();
    const ks: KeySpace = { prefix: pipeline.config.redis.keyPrefix, namespace: 'v1' };
    const reader = new MomentumReader(pipeline.redis, { prefix: ks.prefix });
    const domains = [...new Set(events.map((e) => e.domain))];

    // First the master serving most domains but not the {mesh} keys, then the one serving them.
    const meshMaster = await cluster.masterOfSlot(slotOf(keys.partitionProgress(ks)));
    const byMaster = new Map<ClusterMaster, number>();
    for (const d of domains) {
      const master = await cluster.masterOfSlot(slotOf(keys.domainProgress(ks, d)));
      byMaster.set(master, (byMaster.get(master) ?? 0) + 1);
    }
    expect(byMaster.size, 'domains on every master').toBe(3);
    const busiest = [...byMaster].filter(([m]) => m !== meshMaster).sort((a, b) => b[1] - a[1])[0]?.[0];
    const victims = [busiest ?? meshMaster, meshMaster];

    const started = Date.now();
    await pipeline.startProcessor();
    const figures: Record<string, number | string>[] = [];
    let target = 0;
    for (const [i, victim] of victims.entries()) {
      const inFlight = parts[2 * i] ?? [];
      const whileDown = parts[2 * i + 1] ?? [];
      // Kill while the processor is busy with the part just produced.
      await pipeline.produce(inFlight, 2_000);
      const before = target;
      await waitFor(async () => ((await applied(reader)) ?? 0) > before || undefined, {
        what: `some events applied before kill ${i + 1}`,
        timeoutMs: 60_000,
        intervalMs: 10,
      });
      const appliedAtKill = (await applied(reader)) ?? -1;
      const killedAt = Date.now();
      await victim.crash();
      await pipeline.produce(whileDown, 2_000); // more records arrive while it is down
      await sleep(Math.max(0, 3_000 - (Date.now() - killedAt))); // past the 2 s node timeout: marked failed
      await victim.restart();
      const restartedAt = Date.now();
      await cluster.healthy();
      target += inFlight.length + whileDown.length;
      const expected = target;
      await waitFor(async () => ((await applied(reader)) === expected ? true : undefined), {
        what: `all ${expected} events applied after restart ${i + 1}`,
        timeoutMs: 120_000,
        intervalMs: 100,
      });
      figures.push({
        kill: i + 1,
        master: victim === meshMaster ? `${victim.port} ({mesh})` : `${victim.port}`,
        appliedAtKill,
        appliedBefore: before,
        downMs: restartedAt - killedAt,
        caughtUpMsAfterRestart: Date.now() - restartedAt,
        eventsTarget: expected,
      });
    }
    console.warn(
      `cluster master kill: ${events.length} events, ${domains.length} domains, total ${Date.now() - started} ms`,
      JSON.stringify(figures),
    );
    // Every master holds part of the data: the cluster, not one node, carried the run.
    const redis = pipeline.redis;
    const sizes = await Promise.all(isCluster(redis) ? redis.nodes('master').map((n) => n.dbsize()) : []);
    expect(sizes).toHaveLength(3);
    for (const size of sizes) expect(size).toBeGreaterThan(0);

    // One tick rewrites every score at one asOf; then stop and compare with the reference.
    await sleep(1_500);
    await Promise.all(pipeline.processors.splice(0).map((p) => p.stop()));
    await expectRedisMatchesReference(reader, toScoring(events));
  }, 300_000);
});
