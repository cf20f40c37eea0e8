import { inject } from 'vitest';
import { DashboardService, loadDashboardConfig } from '@mesh-momentum/dashboard';
import { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import { describeProgramme, simulateProgramme, type SimulatedEvent } from '@mesh-momentum/simulator';
import { ScoreReader } from '@mesh-momentum/store';
import { waitFor } from '@mesh-momentum/testing';
import { processorConfig, TestPipeline } from './pipeline.ts';

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
  const reader = new ScoreReader(pipeline.redis, config.redis.keyPrefix);
  // Every event applied: the domains' event counts add up to the programme's distinct events.
  await waitFor(
    async () => {
      let applied = 0;
      for (const d of domains) applied += (await reader.scopeScore(d, { kind: 'domain' }))?.eventCount ?? 0;
      // The mesh figures follow the batches within about a second.
      return applied >= events.length && (await reader.meshScore())?.eventCount === applied
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
