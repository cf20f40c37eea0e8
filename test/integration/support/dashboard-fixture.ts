import { inject } from 'vitest';
import { DashboardService, loadDashboardConfig } from '@mesh-momentum/dashboard';
import { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import { describeProgramme, simulateProgramme, type SimulatedEvent } from '@mesh-momentum/simulator';
import { MESH_REF, MomentumReader } from '@mesh-momentum/store';
import { isolatedEnv, waitFor } from '@mesh-momentum/testing';
import { processorConfig, TestPipeline } from './pipeline.ts';
import { AlerterProcess } from './service-process.ts';
import { appliedEvents, scoreOf } from './scores.ts';

/**
 * The demo's programme (seed 42, a year ending an hour ago) through the real pipeline: Avro, Kafka,
 * the processor, Redis; then a dashboard over that Redis. For the dashboard's API and browser tests.
 */
export interface DashboardFixture {
  readonly pipeline: TestPipeline;
  readonly service: DashboardService;
  readonly app: Awaited<ReturnType<DashboardService['start']>>;
  readonly domains: readonly string[];
  /** The simulated programme's events, as produced (what the expectations are computed from). */
  readonly events: readonly SimulatedEvent[];
  close(): Promise<void>;
}

export async function startDashboardFixture(
  name: string,
  options: {
    readonly webRoot?: string;
    /** More `MM_DASHBOARD_*` variables (admin tokens, limits). */
    readonly env?: Readonly<Record<string, string>>;
  } = {},
): Promise<DashboardFixture> {
  const config = processorConfig(inject('services'), { name });
  const pipeline = new TestPipeline(config);
  await pipeline.createTopics();
  await pipeline.startProcessor();
  const events = simulateProgramme({ seed: 42, endMs: Date.now() - 3_600_000 });
  await pipeline.produce(events);
  const domains = describeProgramme().map((s) => s.domain);
  const reader = new MomentumReader(pipeline.redis, { prefix: config.redis.keyPrefix });
  // Every event applied: the domains' event counts add up to the programme's distinct events.
  await waitFor(
    async () => {
      const applied = await appliedEvents(reader);
      // The mesh figures follow the batches within about a second.
      return applied >= events.length && (await scoreOf(reader, MESH_REF))?.eventCount === applied
        ? true
        : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 250, what: 'the simulated programme to be applied' },
  );
  const service = new DashboardService({
    redis: pipeline.redis,
    keyPrefix: config.redis.keyPrefix,
    scoring: DEFAULT_SCORING_CONFIG,
    config: loadDashboardConfig({
      MM_DASHBOARD_HTTP_PORT: '0',
      MM_DASHBOARD_REFRESH_MS: '1000',
      MM_DASHBOARD_DEBOUNCE_MS: '20',
      ...options.env,
    }).dashboard,
    logger: pipeline.logger,
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  });
  const app = await service.start();
  return {
    pipeline,
    service,
    app,
    domains,
    events,
    close: async () => {
      await service.stop();
      await pipeline.close();
    },
  };
}

/** A real alerter process over a fixture's Redis (its key prefix), and its HTTP API. */
export interface FixtureAlerter {
  readonly process: AlerterProcess;
  /** Base URL of its API (`/api/silences`, `/api/pauses`: the only writers of those). */
  readonly url: string;
  /** POSTs `body` to its API path, expecting a 2xx; the stored record. */
  post<T>(path: string, body: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * The alerter as production runs it (`services/alerter/src/main.ts`, its own process), on the fixture's
 * Redis and key prefix: no `for` (a stalled scope fires at its first evaluation), product alerts on, an
 * evaluation every second, no channel (its state in Redis is what the dashboard reads).
 */
export async function startFixtureAlerter(
  f: DashboardFixture,
  env: Readonly<Record<string, string>> = {},
): Promise<FixtureAlerter> {
  const process = new AlerterProcess(
    isolatedEnv(inject('services'), {
      name: 'dashboard-alerter',
      env: {
        MM_REDIS_KEY_PREFIX: f.pipeline.config.redis.keyPrefix,
        MM_LOG_LEVEL: 'info',
        MM_ALERTER_HTTP_PORT: '0',
        MM_ALERTER_FOR_MS: '0',
        MM_ALERTER_PRODUCT_ALERTS: 'true',
        MM_ALERTER_EVALUATION_INTERVAL_MS: '1000',
        ...env,
      },
    }),
  );
  let url: string;
  try {
    url = await process.url(60_000);
  } catch (error) {
    await process.stop();
    throw new Error(`the alerter did not start: ${process.output.slice(-2000)}`, { cause: error });
  }
  return {
    process,
    url,
    post: async <T>(path: string, body: unknown): Promise<T> => {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as T;
    },
    stop: async () => {
      await process.stop();
    },
  };
}
