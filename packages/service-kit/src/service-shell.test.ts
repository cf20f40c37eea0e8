import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';
import { createLogger, loadConfig, type Config } from '@mesh-momentum/common';
import { EventCodec, RegistryClient, registryOptionsFrom } from '@mesh-momentum/events';
import { createKafka } from '@mesh-momentum/kafka';
import { Redis } from 'ioredis';
import { createMetricsRegistry, metricNames } from './metrics.ts';
import type { Runtime } from './runtime.ts';
import { startService, type ServiceDefinition, type ServiceParts } from './service-shell.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

/** Clients that are made but never connect: the shell's own order is what is under test. */
async function offlineRuntime<C extends Config>(_role: string, config: C): Promise<Runtime<C>> {
  const redis = new Redis({
    port: 9,
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  return {
    config,
    logger,
    redis,
    kafka: createKafka(config.kafka, { logger, clientId: 'test' }),
    codec: new EventCodec(new RegistryClient(registryOptionsFrom(config))),
  };
}

const LOOPBACK = { host: '127.0.0.1', port: 0 };

function definition(
  parts: (events: string[], servers: Record<string, FastifyInstance>) => Partial<ServiceParts>,
): { service: ServiceDefinition; events: string[] } {
  const events: string[] = [];
  const servers: Record<string, FastifyInstance> = {};
  const listening = () =>
    `ops ${servers['ops']?.server.listening ? 'up' : 'down'}, api ${servers['api']?.server.listening ? 'up' : 'down'}`;
  const worker = (name: string) => ({
    name,
    start: () => void events.push(`${name} started (${listening()})`),
    stop: () => void events.push(`${name} stopped (${listening()})`),
  });
  return {
    events,
    service: {
      name: 'test',
      description: 'a service of the shell test',
      loadConfig: (env) => loadConfig(env),
      wire: () => ({
        health: { live: () => true, ready: async () => ({ ready: true, checks: {} }) },
        metrics: createMetricsRegistry('test', { processMetrics: false }),
        ops: LOOPBACK,
        routes: (app) => {
          servers['ops'] = app;
          app.addHook('onClose', async () => void events.push('ops closed'));
        },
        api: {
          ...LOOPBACK,
          routes: (app) => {
            servers['api'] = app;
            app.addHook('onClose', async () => void events.push('api closed'));
          },
        },
        workers: [worker('first'), worker('second')],
        closers: [['producer', async () => void events.push(`producer flushed (${listening()})`)]],
        ...parts(events, servers),
      }),
    },
  };
}

describe('the service shell', () => {
  it('listens on the ops server before the workers start, and stops them the other way round', async () => {
    const { service, events } = definition(() => ({}));
    const running = await startService(service, loadConfig({}), { connect: offlineRuntime });
    const health = await fetch(`${running.opsAddress.url}/readyz`);
    expect(health.status).toBe(200);
    expect(running.apiAddress?.url).not.toBe(running.opsAddress.url);
    expect(events).toEqual(['first started (ops up, api down)', 'second started (ops up, api down)']);
    await running.stop();
    expect(events.slice(2)).toEqual([
      'api closed',
      'second stopped (ops up, api down)',
      'first stopped (ops up, api down)',
      'producer flushed (ops up, api down)',
      'ops closed',
    ]);
  });

  it('refuses to start a service whose metrics break the naming rule, naming them', async () => {
    const { service } = definition(() => {
      const metrics = createMetricsRegistry('test', { processMetrics: false });
      new Counter({ name: 'requests_total', help: 'unprefixed', registers: [metrics] });
      new Counter({
        name: metricNames('test', { ok: 'requests_total' }).ok,
        help: 'ok',
        registers: [metrics],
      });
      return { metrics };
    });
    await expect(startService(service, loadConfig({}), { connect: offlineRuntime })).rejects.toThrow(
      /metrics requests_total break the naming rule mm_test_<what>\[_<unit>\]/,
    );
  });

  it('stops what started when a worker fails to start (that one included, not those after it), and rethrows its error', async () => {
    const failure = new Error('Kafka refused');
    const { service, events } = definition((recorded) => ({
      workers: [
        {
          name: 'first',
          start: () => void recorded.push('first started'),
          stop: () => void recorded.push('first stopped'),
        },
        {
          name: 'second',
          start: () => Promise.reject(failure),
          stop: () => void recorded.push('second stopped'),
        },
        // Never started: never stopped either.
        {
          name: 'third',
          start: () => void recorded.push('third started'),
          stop: () => void recorded.push('third stopped'),
        },
      ],
    }));
    await expect(startService(service, loadConfig({}), { connect: offlineRuntime })).rejects.toBe(failure);
    // The failed worker is stopped too: it may have started half (a consumer that joined its group).
    expect(events).toEqual([
      'first started',
      'api closed',
      'second stopped',
      'first stopped',
      'producer flushed (ops up, api down)',
      'ops closed',
    ]);
  });
});

describe('metricNames', () => {
  it('names by mm_<service>_<what>[_<unit>] and refuses what breaks it', () => {
    expect(metricNames('ingest', { ack: 'kafka_ack_seconds' })).toEqual({
      ack: 'mm_ingest_kafka_ack_seconds',
    });
    expect(() => metricNames('ingest', { bad: 'Kafka-Ack' })).toThrow(
      /mm_ingest_Kafka-Ack breaks the naming rule/,
    );
  });

  it('puts the process metrics under the service prefix', async () => {
    const names = (await createMetricsRegistry('alerter').getMetricsAsJSON()).map((m) => m.name);
    expect(names).toContain('mm_alerter_process_cpu_seconds_total');
    expect(names.every((n) => n.startsWith('mm_alerter_'))).toBe(true);
  });
});
