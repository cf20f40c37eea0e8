import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ErrorCodes, MeshMomentumError } from '@mesh-momentum/common';
import { loadProcessorConfig } from '@mesh-momentum/processor';
import { createMeshMomentumProducer, type MeshMomentumProducer } from '@mesh-momentum/sdk';
import { simulateProgramme, type SimulatedEvent } from '@mesh-momentum/simulator';
import { MomentumReader } from '@mesh-momentum/store';
import {
  ensureLocalKafkaCluster,
  isolatedEnv,
  waitFor,
  type LocalKafkaCluster,
} from '@mesh-momentum/testing';
import { TestPipeline } from '../integration/support/pipeline.ts';
import { ProcessorProcess } from '../integration/support/service-process.ts';
import { expectRedisMatchesReference, toScoring } from '../integration/support/reference.ts';
import { appliedEvents } from '../integration/support/scores.ts';
import { groupCoordinatorOf } from './group-coordinator.ts';
import { longestStall } from './stalls.ts';

/**
 * Brokers of the three-broker cluster (RF 3, min.insync.replicas 2) killed while the SDK streams events
 * (acks=all, idempotent) and the processor (its own process) applies them:
 * 1. SIGKILL the leader of the busiest partition of the events topic;
 * 2. later SIGKILL a second broker: one broker is left, below min.insync.replicas, so every send must
 *    fail with a retriable error (and none may be acknowledged);
 * 3. restart both; 4. a rolling restart (SIGTERM, start) of all three, one at a time.
 * Events whose send failed are sent again afterwards, with the same ids, as a caller would. The final
 * scores must equal the reference recomputation: nothing lost, nothing counted twice.
 *
 * MM_TEST_BROKER_KILL_EVENTS sets the event count (default 50 000).
 */
const EVENTS = Number(process.env['MM_TEST_BROKER_KILL_EVENTS'] ?? '50000');
/** Events per second the SDK is fed while brokers are killed and restarted; the rest goes at full speed. */
const STREAM_RATE_PER_S = 200;
/**
 * Longest the SDK or the processor may go without progress after one broker is killed or restarted,
 * ms: the broker session timeout that fences a dead broker (6 s, kafka-cluster.sh), a metadata refresh,
 * kafkajs' retry back-off (up to 5 s) and a consumer-group rebalance, on a loaded two-core machine.
 */
const STALL_BOUND_MS = 45_000;
/** The processor's stall timeout (/readyz turns not ready after this long without progress), ms. */
const STALL_TIMEOUT_MS = 5_000;
/** How often the processor polls the brokers for its lag gauge, ms (processor.ts LAG_POLL_INTERVAL_MS). */
const LAG_POLL_MS = 5_000;
/** How long two brokers stay down, ms: longer than the session timeout, so the controller fences both. */
const DOUBLE_OUTAGE_MS = 15_000;
/** Longest wait, with one broker left, for the SDK to refuse a send (its retries, ~20 s, exhausted), ms. */
const REFUSAL_BOUND_MS = 90_000;

let pipeline: TestPipeline | undefined;
let child: ProcessorProcess | undefined;
let sdk: MeshMomentumProducer | undefined;
let cluster: LocalKafkaCluster | undefined;
afterEach(async (context) => {
  child?.reportOutputIfFailed(context);
  await sdk?.close().catch(() => undefined);
  await child?.stop(5_000);
  await pipeline?.close();
  // Whatever the test left down comes back for the next run.
  await cluster?.up();
  sdk = child = pipeline = cluster = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One reading of the processor's /readyz and lag gauge, with the events acknowledged and applied. */
interface Sample {
  readonly at: number;
  readonly acked: number;
  readonly applied: number | undefined;
  readonly lag: number | undefined;
  readonly ready: boolean | undefined;
}

/** Sum of a metric's series in Prometheus text (undefined when the metric is absent). */
function metricSum(text: string, name: string): number | undefined {
  const values = text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
}

describe('Kafka brokers killed mid-stream (three brokers, RF 3, min.insync.replicas 2)', () => {
  it('loses nothing, counts nothing twice, refuses sends retriably below min ISR, and resumes within the bound', async () => {
    cluster = await ensureLocalKafkaCluster();
    const env = isolatedEnv(inject('services'), {
      name: 'broker-kills',
      env: {
        MM_PROCESSOR_STALL_TIMEOUT_MS: String(STALL_TIMEOUT_MS),
        MM_PROCESSOR_TICK_MS: '1000',
        MM_PROCESSOR_HTTP_PORT: '0',
        MM_LOG_LEVEL: 'info',
      },
    });
    pipeline = new TestPipeline(loadProcessorConfig(env));
    await pipeline.createTopics();
    const topic = pipeline.config.topics.events;
    const admin = pipeline.kafka.admin();
    await admin.connect();
    const replicas = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.map(
      (p) => p.replicas.length,
    );
    expect(new Set(replicas), 'every partition on three brokers').toEqual(new Set([3]));

    child = new ProcessorProcess(env);
    const ops = await child.opsUrl(120_000);

    // Events: several seeded programmes until the count is reached; ids are unique per event.
    const events: SimulatedEvent[] = [];
    for (let seed = 301; events.length < EVENTS; seed++) {
      events.push(...simulateProgramme({ seed, endMs: Date.now() - 3_600_000, scale: 6 }));
    }
    events.length = EVENTS;

    // The SDK as an application uses it (default retries: ~16 s of back-off before a batch fails).
    const producer = createMeshMomentumProducer({
      config: pipeline.config,
      maxQueuedEvents: 2_000,
      maxBatchSize: 500,
    });
    sdk = producer;
    await producer.connect();
    const ackedAt = new Map<string, number>();
    const failed: { event: SimulatedEvent; at: number; error: unknown }[] = [];
    let fullSpeed = false;
    // Resolves once the event is queued, with its outcome (which never rejects) to await later.
    const send = async (event: SimulatedEvent): Promise<{ outcome: Promise<void> }> => {
      const { type, ...input } = event;
      const delivery = await producer.enqueue(type, input as never);
      const outcome = delivery.delivered.then(
        () => void ackedAt.set(event.id, Date.now()),
        (error: unknown) => void failed.push({ event, at: Date.now(), error }),
      );
      return { outcome };
    };
    const settled: Promise<void>[] = [];
    const streaming = (async () => {
      const started = Date.now();
      for (const [i, event] of events.entries()) {
        if (!fullSpeed) await sleep(Math.max(0, started + (i * 1_000) / STREAM_RATE_PER_S - Date.now()));
        settled.push((await send(event)).outcome);
      }
    })();
    // Awaited below; a test that fails first closes the SDK under it, which must not surface twice.
    streaming.catch(() => undefined);

    const reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
    // Events applied, each id once: the domains' event counts in Redis (the processor's applied counter
    // skips an event a retried batch finds already written).
    const appliedInRedis = () => appliedEvents(reader);
    // Every 250 ms: what the SDK got acknowledged, and what the processor says of itself.
    const samples: Sample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [metrics, readyz] = await Promise.all([
          fetch(`${ops}/metrics`)
            .then((r) => r.text())
            .catch(() => undefined),
          fetch(`${ops}/readyz`)
            .then((r) => r.status)
            .catch(() => undefined),
        ]);
        samples.push({
          at: Date.now(),
          acked: ackedAt.size,
          applied: await appliedInRedis().catch(() => undefined),
          lag: metrics === undefined ? undefined : metricSum(metrics, 'mm_processor_consumer_lag'),
          ready: readyz === undefined ? undefined : readyz === 200,
        });
        await sleep(250);
      }
    })();
    const ackedAfter = (n: number, what: string, timeoutMs = 120_000) =>
      waitFor(() => (ackedAt.size >= n ? true : undefined), { what, timeoutMs, intervalMs: 50 });
    const firstAckAfter = (t: number) =>
      Math.min(...[...ackedAt.values()].filter((a) => a > t), Number.POSITIVE_INFINITY);

    const figures: Record<string, unknown>[] = [];

    // 1. The leader of the busiest partition (most records so far), SIGKILL.
    await ackedAfter(Math.min(EVENTS, 3_000), 'a first part acknowledged');
    const offsets = await admin.fetchTopicOffsets(topic);
    const busiest = offsets.reduce((a, b) => (Number(b.high) > Number(a.high) ? b : a));
    const leader = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.find(
      (p) => p.partitionId === busiest.partition,
    )?.leader;
    if (leader === undefined) throw new Error(`no leader for partition ${busiest.partition}`);
    const coordinator = await groupCoordinatorOf(admin, pipeline.config.processor.groupId);
    await admin.disconnect(); // its connections would point at the dead broker
    const kill1At = Date.now();
    await cluster.signal(leader, 'SIGKILL');
    const acked1 = ackedAt.size;
    await ackedAfter(
      acked1 + 2 * STREAM_RATE_PER_S,
      'sends acknowledged again after the first kill',
      STALL_BOUND_MS,
    );
    figures.push({
      step: `SIGKILL broker ${leader} (leader of partition ${busiest.partition}; group coordinator: broker ${coordinator})`,
      at: kill1At,
    });

    // 2. A second broker, SIGKILL: one left, below min.insync.replicas = 2.
    const second = [1, 2, 3].find((id) => id !== leader) ?? 1;
    await cluster.signal(second, 'SIGKILL');
    // Stamped once the signal is sent: finding the broker's pid runs a script (seconds on a loaded
    // machine), and acknowledgements before the kill must not count as acknowledged with one broker.
    const kill2At = Date.now();
    await sleep(DOUBLE_OUTAGE_MS);
    // Held until the SDK has given up on a send (its retries outlast a short outage): below min ISR the
    // answer must be a retriable refusal, never an acknowledgement.
    await waitFor(() => (failed.some((f) => f.at > kill2At) ? true : undefined), {
      what: 'a send refused while one broker was alive',
      timeoutMs: REFUSAL_BOUND_MS,
      intervalMs: 100,
    });
    // 3. Both back.
    const restartAt = Date.now();
    await cluster.up();
    const upAt = Date.now();
    // Batches sent while one broker was alive, refused once the SDK's retries ran out.
    const failuresDuringOutage = failed.filter((f) => f.at > kill2At);
    const ackedBeforeRestart = ackedAt.size;
    await ackedAfter(ackedBeforeRestart + 1, 'sends acknowledged after the restart', STALL_BOUND_MS);
    figures.push({ step: `SIGKILL broker ${second}; one broker left`, at: kill2At });
    figures.push({ step: 'both restarted', at: restartAt, upMs: upAt - restartAt });

    // 4. Rolling restart: each broker stopped cleanly (SIGTERM) and started, one at a time.
    const rolling: { broker: number; at: number; upMs: number }[] = [];
    for (const broker of [1, 2, 3]) {
      const at = Date.now();
      const pid = await cluster.signal(broker, 'SIGTERM');
      await waitFor(() => (isAlive(pid) ? undefined : true), {
        what: `broker ${broker} stopped`,
        timeoutMs: 60_000,
      });
      await cluster.up();
      rolling.push({ broker, at, upMs: Date.now() - at });
      const before = ackedAt.size;
      await ackedAfter(
        before + STREAM_RATE_PER_S,
        `sends acknowledged after restarting broker ${broker}`,
        STALL_BOUND_MS,
      );
    }
    const rollingDoneAt = Date.now();

    // The rest at full speed, then the failed sends again (same ids) until all are acknowledged.
    fullSpeed = true;
    await streaming;
    await Promise.all(settled);
    const failedSends = failed.length;
    for (let round = 0; failed.length > 0; round++) {
      if (round >= 5) throw new Error(`${failed.length} events still not acknowledged after 5 re-sends`);
      const again = failed.splice(0).map((f) => f.event);
      const queued = await Promise.all(again.filter((e) => !ackedAt.has(e.id)).map(send));
      await Promise.all(queued.map((q) => q.outcome));
    }
    await producer.close();
    expect(ackedAt.size, 'every event acknowledged once the cluster is whole').toBe(EVENTS);

    await waitFor(async () => ((await appliedInRedis()) === EVENTS ? true : undefined), {
      what: `all ${EVENTS} events applied`,
      timeoutMs: 300_000,
      intervalMs: 500,
    });
    // The lag gauge reaches 0 and /readyz says ready once everything is applied (one lag poll later).
    await waitFor(
      () => {
        const last = samples.at(-1);
        return last && last.lag === 0 && last.ready === true ? true : undefined;
      },
      { what: 'lag gauge 0 and /readyz 200 after catching up', timeoutMs: 3 * LAG_POLL_MS },
    );
    sampling = false;
    await sampler;

    const sawNotReady = samples.some((s) => s.at > kill2At && s.at < upAt && s.ready === false);

    // --- Stalls: longest time without progress after each event (acknowledgements; applied with a backlog) ---
    const waitingToApply = (s: Sample) => s.applied !== undefined && s.acked > s.applied;
    const stall = (from: number, to: number) => ({
      producerMs: longestStall(
        samples,
        from,
        to,
        (s) => s.acked,
        () => true,
      ),
      processorMs: longestStall(samples, from, to, (s) => s.applied, waitingToApply),
    });
    const afterKill1 = stall(kill1At, kill2At);
    const afterRestart = {
      producerMs: firstAckAfter(upAt) - upAt,
      processor: stall(upAt, rolling[0]?.at ?? upAt),
    };
    const afterRolling = rolling.map((r, i) => ({
      broker: r.broker,
      upMs: r.upMs,
      ...stall(r.at, rolling[i + 1]?.at ?? rollingDoneAt),
    }));
    const longest = Math.max(
      afterKill1.producerMs,
      afterKill1.processorMs,
      afterRestart.producerMs,
      afterRestart.processor.processorMs,
      ...afterRolling.flatMap((r) => [r.producerMs, r.processorMs]),
    );
    console.warn(
      `broker-kills: ${EVENTS} events, kills 2 (SIGKILL) + 3 rolling restarts (SIGTERM); failed sends ` +
        `${failedSends} (re-sent), refused while one broker was up ${failuresDuringOutage.length}; ` +
        `not ready seen during the outage: ${sawNotReady}; longest stall ${longest} ms; ` +
        JSON.stringify({ figures, afterKill1, afterRestart, afterRolling }),
    );
    // --- What the clients saw ---
    // Below min ISR: every send failed, retriably, and none was acknowledged (2 s for requests in flight).
    const ackedWhileOneBroker = [...ackedAt.values()].filter(
      (a) => a > kill2At + 2_000 && a < restartAt,
    ).length;
    expect(ackedWhileOneBroker, 'acknowledgements with one broker alive').toBe(0);
    expect(failuresDuringOutage.length, 'sends refused while one broker was alive').toBeGreaterThan(0);
    for (const { error } of failuresDuringOutage) {
      expect(error).toBeInstanceOf(MeshMomentumError);
      expect((error as MeshMomentumError).code).toBe(ErrorCodes.PRODUCER_SEND_FAILED);
      expect((error as MeshMomentumError).retriable, String(error)).toBe(true);
    }

    // The processor's own account, throughout: /readyz never said ready while records waited
    // (acknowledged, not yet in Redis) and nothing had been applied for longer than its stall timeout
    // plus two lag polls (a rebalance or a replay is not progress); and it said not ready while one
    // broker was left.
    const judged = STALL_TIMEOUT_MS + 2 * LAG_POLL_MS;
    const readyWhileStuck = samples.filter((s) => {
      if (s.ready !== true || s.applied === undefined || s.acked - s.applied <= 0) return false;
      if ((samples[0]?.at ?? s.at) > s.at - judged) return false; // not observed for long enough yet
      const window = samples.filter((o) => o.at >= s.at - judged && o.at <= s.at);
      return !window.some((o) => o.applied !== undefined && o.applied < (s.applied ?? 0));
    });
    expect(
      readyWhileStuck.map((s) => ({ ...s, at: new Date(s.at).toISOString() })),
      '/readyz 200 while stuck with records waiting',
    ).toEqual([]);
    expect(sawNotReady, '/readyz reported not ready while one broker was left').toBe(true);
    const sawLag = samples.some((s) => (s.lag ?? 0) > 0);
    expect(sawLag, 'the lag gauge showed the backlog at some point').toBe(true);

    expect(longest, 'longest stall after a single broker death or restart').toBeLessThan(STALL_BOUND_MS);

    await child.stop(30_000);
    await expectRedisMatchesReference(reader, toScoring(events));
  }, 900_000);
});

/** True while the process exists and is not a zombie (an orphaned broker may wait long to be reaped). */
function isAlive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
