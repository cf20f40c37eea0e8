import { afterEach, describe, expect, inject, it } from 'vitest';
import { mulberry32, simulateProgramme } from '@mesh-momentum/simulator';
import { MomentumReader } from '@mesh-momentum/store';
import { isolatedEnv, startPrivateRedis, waitFor, type PrivateRedis } from '@mesh-momentum/testing';
import { loadProcessorConfig } from '@mesh-momentum/processor';
import { TestPipeline } from '../support/pipeline.ts';
import { ProcessorProcess } from '../support/service-process.ts';
import { expectRedisMatchesReference, toScoring } from '../support/reference.ts';
import { appliedEvents } from '../support/scores.ts';

/** Redis SIGKILLs during the stream; each restarts from its own AOF (up to a second of writes lost). */
const KILLS = 12;
/** Longest the processor may go without applying anything once Redis is back, ms (the stated bound). */
const STALL_BOUND_MS = 20_000;

let pipeline: TestPipeline | undefined;
let redis: PrivateRedis | undefined;
let child: ProcessorProcess | undefined;
afterEach(async (context) => {
  child?.reportOutputIfFailed(context);
  await child?.stop(5_000);
  await pipeline?.close();
  await redis?.stop();
  child = pipeline = redis = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Redis killed again and again mid-stream', () => {
  it(`loses nothing, counts nothing twice, and never stalls longer than ${STALL_BOUND_MS} ms after Redis returns`, async () => {
    redis = await startPrivateRedis();
    const env = isolatedEnv(inject('services'), {
      name: 'redis-kills',
      env: {
        MM_REDIS_URL: redis.url,
        MM_REDIS_COMMAND_TIMEOUT_MS: '3000',
        MM_PROCESSOR_STALL_TIMEOUT_MS: '10000',
        MM_PROCESSOR_TICK_MS: '1000',
        MM_PROCESSOR_HTTP_PORT: '0',
        MM_LOG_LEVEL: 'info',
      },
    });
    pipeline = new TestPipeline(loadProcessorConfig(env));
    pipeline.redis.on('error', () => undefined); // the test's own client sees every crash too
    await pipeline.createTopics();
    child = new ProcessorProcess(env);
    const ops = await child.opsUrl();
    const reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
    const applied = () => appliedEvents(reader);

    const events = simulateProgramme({ seed: 51, endMs: Date.now() - 3_600_000, scale: 8 });
    // A steady stream in the background, so every kill lands while records are flowing.
    const producing = (async () => {
      for (let i = 0; i < events.length; i += 150) {
        await pipeline.produce(events.slice(i, i + 150));
        await sleep(250);
      }
    })();

    // Seeded, so a failing run can be replayed.
    const random = mulberry32(7);
    const stalls: number[] = [];
    let sawNotReady = false;
    await waitFor(async () => ((await applied()) > 0 ? true : undefined), { what: 'a first batch applied' });
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(500 + random() * 1_500);
      await redis.crash();
      const downMs = 100 + random() * 900;
      await sleep(downMs);
      if (!sawNotReady) {
        const readyz = await fetch(`${ops}/readyz`).then(
          (r) => r.json() as Promise<{ checks: Record<string, boolean> }>,
        );
        sawNotReady = readyz.checks['redis'] === false;
      }
      await redis.restart();
      const backAt = Date.now();
      const atReturn = await waitFor(async () => applied(), { what: 'Redis answering after the restart' });
      // More than was produced can only be events counted twice (which would also stall the wait below).
      expect(atReturn, `events counted after kill ${kill + 1}`).toBeLessThanOrEqual(events.length);
      // Progress: more applied than Redis held when it came back, or everything applied already.
      await waitFor(
        async () => {
          const now = await applied();
          return now > atReturn || now === events.length ? true : undefined;
        },
        { what: `progress after kill ${kill + 1}`, timeoutMs: STALL_BOUND_MS, intervalMs: 50 },
      );
      stalls.push(Date.now() - backAt);
    }
    await producing;
    await waitFor(async () => ((await applied()) === events.length ? true : undefined), {
      what: `all ${events.length} events applied`,
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    const stop = Date.now();
    await child.stop(30_000);
    const stopMs = Date.now() - stop;
    console.warn(
      `redis-kills: ${KILLS} kills, ${events.length} events, longest stall after Redis returned ` +
        `${Math.max(...stalls)} ms (all: ${stalls.join(', ')}), SIGTERM took ${stopMs} ms`,
    );
    expect(sawNotReady, '/readyz reported Redis down while it was').toBe(true);
    expect(Math.max(...stalls)).toBeLessThan(STALL_BOUND_MS);
    expect(await child.exited()).toEqual({ code: 0, signal: null });
    await expectRedisMatchesReference(reader, toScoring(events));
  }, 300_000);
});
