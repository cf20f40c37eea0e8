import { readFileSync } from 'node:fs';
import { createIdentityResolver, EMPTY_IDENTITY_CONFIG, parseIdentityConfig } from '@mesh-momentum/adapters';
import { isRetriable } from '@mesh-momentum/common';
import { registryOptionsFrom } from '@mesh-momentum/events';
import {
  createMeshMomentumProducer,
  type MeshMomentumProducer,
  type RecordTransport,
} from '@mesh-momentum/sdk';
import {
  cachedProbe,
  kafkaAnswers,
  registryAnswers,
  withDeadline,
  type ServiceDefinition,
} from '@mesh-momentum/service-kit';
import { registerGateway } from './app.ts';
import { TokenVerifier } from './auth/tokens.ts';
import { checkSettingsForFile, loadIngestConfig, type IngestConfig } from './config.ts';
import type { GatewayContext } from './context.ts';
import { DeliveryLedger } from './deliveries.ts';
import { loadGatewayFile, type GatewayFile } from './gateway-file.ts';
import { ingestKeys } from './keys.ts';
import { IngestMetrics } from './metrics.ts';
import { Publisher } from './publisher.ts';
import { RateBudget } from './rate-budget.ts';
import { UnmappedRegistry } from './unmapped.ts';
import { startPollers, type RunningPollers } from './workers/start.ts';

/** Bound of the producer's queue: beyond it requests are answered 503 (retriable) at once. */
const PRODUCER_QUEUE_EVENTS = 50_000;
/** /readyz waits at most this long for Kafka's answer (under the kit's 3 s readiness bound), ms. */
const KAFKA_PROBE_TIMEOUT_MS = 2_000;
/** Kafka's answer is reused for this long, so frequent readiness polls cost one connection, ms. */
const KAFKA_PROBE_TTL_MS = 5_000;

export interface GatewayOptions {
  /** Replaces MM_INGEST_CONFIG_FILE (tests, the demo). */
  readonly file?: GatewayFile;
  /** ms since the epoch. @defaultValue Date.now */
  readonly clock?: () => number;
  /**
   * Where the producer's batches go instead of Kafka: `pnpm bench:ingest -- --no-kafka` measures the
   * gateway's own ceiling with one that acknowledges at once. @defaultValue Kafka
   */
  readonly transport?: RecordTransport;
}

/** What the gateway hands whoever started it in-process (tests, the demo). */
export interface GatewayHandle {
  readonly context: GatewayContext;
  readonly producer: MeshMomentumProducer;
  /** The configured pollers, once their worker started. */
  readonly pollers: () => RunningPollers | undefined;
}

/**
 * The ingest gateway in the service shell: its API on a server of its own (MM_INGEST_HTTP_PORT, beside
 * the ops server on MM_INGEST_OPS_PORT), and two workers: the SDK producer (Kafka connects in the
 * background: until it does, /readyz says so and requests wait up to the ack timeout; stopping flushes
 * it) and the pollers the config file defines.
 */
export function ingestService(options: GatewayOptions = {}): ServiceDefinition<IngestConfig, GatewayHandle> {
  return {
    name: 'ingest',
    title: 'ingest gateway',
    description:
      'Runs the HTTP ingest gateway: the events API, webhooks and pollers (MM_INGEST_CONFIG_FILE).',
    loadConfig: loadIngestConfig,
    // Requests make small independent Redis calls (budget refills, webhook ledger claims): those of one
    // event-loop turn share a socket write instead of one write (and one Redis wake-up) each.
    redis: { autoPipelining: true },
    wire({ config, logger, kafka, redis, codec }) {
      const settings = config.ingest;
      const file = options.file ?? loadGatewayFile(settings.configFile);
      checkSettingsForFile(settings, file);
      const identity = createIdentityResolver(
        settings.identityFile === undefined
          ? EMPTY_IDENTITY_CONFIG
          : parseIdentityConfig(readFileSync(settings.identityFile, 'utf8'), settings.identityFile),
      );
      const registry = registryOptionsFrom(config);
      const producer = createMeshMomentumProducer({
        config,
        source: 'urn:meshmomentum:ingest',
        logger: logger.child({ component: 'producer' }),
        kafka,
        codec,
        // A full queue is an overload: answer 503 at once rather than hold the request.
        whenQueueFull: 'fail',
        // Events accepted and not yet acknowledged, across all requests (~0.5 KiB each: ~25 MiB at most).
        maxQueuedEvents: PRODUCER_QUEUE_EVENTS,
        lingerMs: 1,
        ...(options.transport ? { transport: options.transport } : {}),
      });
      // Readiness follows Kafka as it is now (lost after start, or back after a failed start), not the
      // producer's first connect: a fresh metadata request, at most one every KAFKA_PROBE_TTL_MS.
      const kafkaReady = cachedProbe(() => kafkaAnswers(kafka), {
        timeoutMs: KAFKA_PROBE_TIMEOUT_MS,
        ttlMs: KAFKA_PROBE_TTL_MS,
      });
      const keys = ingestKeys(config.redis.keyPrefix);
      const context: GatewayContext = {
        config,
        settings,
        file,
        tokens: new TokenVerifier(file.tokens),
        identity,
        publisher: Publisher.fromConfig(producer, config, settings.ackTimeoutMs),
        redis,
        keys,
        // A claim outlives the longest wait for Kafka, so a crash mid-request frees it soon after.
        deliveries: new DeliveryLedger(redis, {
          pendingTtlMs: 2 * settings.ackTimeoutMs,
          doneTtlSeconds: settings.deliveryTtlSeconds,
        }),
        budget: new RateBudget(
          redis,
          {
            max: settings.rateLimitMax,
            windowMs: settings.rateLimitWindowMs,
            key: keys.rateBudget,
          },
          logger.child({ component: 'rate-budget' }),
        ),
        unmapped: new UnmappedRegistry(redis, keys.unmapped, settings.unmappedMax),
        metrics: new IngestMetrics(),
        logger,
        clock: options.clock ?? Date.now,
      };
      let pollers: RunningPollers | undefined;
      return {
        health: {
          live: () => true,
          ready: async () => {
            const [redisOk, registryOk, kafkaOk] = await Promise.all([
              redis.ping().then(
                () => true,
                () => false,
              ),
              registryAnswers(registry),
              kafkaReady(),
            ]);
            // A poller whose rounds fail for a dependency (a registry refusing the credentials, Kafka
            // refusing the principal) holds its position: not ready, so the failure shows until fixed.
            const pollersOk = (pollers?.failing() ?? []).length === 0;
            const checks = { redis: redisOk, registry: registryOk, kafka: kafkaOk, pollers: pollersOk };
            return { ready: redisOk && registryOk && kafkaOk && pollersOk, checks };
          },
        },
        metrics: context.metrics.registry,
        ops: { host: settings.httpHost, port: settings.opsPort, http: settings },
        api: {
          host: settings.httpHost,
          port: settings.httpPort,
          http: settings,
          bodyLimitBytes: settings.bodyLimitBytes,
          routes: (app) => registerGateway(app, context),
        },
        workers: [
          {
            name: 'kafka producer',
            // Early connect, so the first request does not pay for it; a failure is retried by each send.
            start: () =>
              void producer.connect().catch((error: unknown) =>
                isRetriable(error)
                  ? logger.warn({ err: error }, 'Kafka not reachable yet; requests answer 503 until it is')
                  : // Credentials, certificate trust or ACLs (MM_ERR_KAFKA_*): only a configuration change helps.
                    logger.error(
                      { err: error },
                      'Kafka refuses the gateway; requests answer 502 until that is fixed',
                    ),
              ),
            // Kafka down: events still queued cannot be delivered; their requests were answered 503 already.
            stop: () =>
              withDeadline(
                producer.close(),
                2 * settings.ackTimeoutMs,
                () => new Error('producer close timed out'),
              ).catch((error: unknown) =>
                logger.warn({ err: error }, 'producer not flushed on close; clients were answered 503'),
              ),
          },
          {
            name: 'pollers',
            start: () => {
              pollers = startPollers(context, settings.pollers ? file : { ...file, pollers: {} });
            },
            stop: () => pollers?.stop(),
          },
        ],
        handle: { context, producer, pollers: () => pollers },
      };
    },
  };
}

/** The gateway as `pnpm ingest` runs it: the config file from MM_INGEST_CONFIG_FILE. */
export const INGEST_SERVICE = ingestService();
