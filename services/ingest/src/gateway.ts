import { readFileSync } from 'node:fs';
import { createIdentityResolver, EMPTY_IDENTITY_CONFIG, parseIdentityConfig } from '@mesh-momentum/adapters';
import type { Logger } from '@mesh-momentum/common';
import { registryOptionsFrom } from '@mesh-momentum/events';
import { createMeshMomentumProducer, type MeshMomentumProducer } from '@mesh-momentum/sdk';
import {
  connectRuntimeWith,
  createOpsServer,
  listenOps,
  registryAnswers,
  withDeadline,
  type OpsAddress,
} from '@mesh-momentum/service-kit';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from './app.ts';
import { TokenVerifier } from './auth/tokens.ts';
import type { IngestConfig } from './config.ts';
import type { GatewayContext } from './context.ts';
import { DeliveryLedger } from './deliveries.ts';
import { loadGatewayFile, type GatewayFile } from './gateway-file.ts';
import { ingestKeys } from './keys.ts';
import { IngestMetrics } from './metrics.ts';
import { startPollers, type RunningPollers } from './pollers/start.ts';
import { Publisher } from './publisher.ts';
import { UnmappedRegistry } from './unmapped.ts';

/** Bound of the producer's queue: beyond it requests are answered 503 (retriable) at once. */
const PRODUCER_QUEUE_EVENTS = 50_000;

export interface GatewayOptions {
  /** Replaces MM_INGEST_CONFIG_FILE (tests, the demo). */
  readonly file?: GatewayFile;
  readonly logger?: Logger;
  /** ms since the epoch. @defaultValue Date.now */
  readonly clock?: () => number;
}

export interface RunningGateway {
  readonly app: FastifyInstance;
  readonly ops: FastifyInstance;
  /** Where the API listens. */
  readonly address: OpsAddress;
  readonly opsAddress: OpsAddress;
  readonly context: GatewayContext;
  readonly producer: MeshMomentumProducer;
  readonly pollers: RunningPollers;
  /** Stops accepting requests, finishes those in flight, flushes the producer, stops pollers, closes Redis. */
  close(): Promise<void>;
}

/**
 * Starts the gateway: Redis (connected within its timeout, or start-up fails), the SDK producer (Kafka
 * connects in the background: until it does, /readyz says so and requests wait up to the ack timeout),
 * the API server, the ops server and the configured pollers.
 */
export async function startGateway(
  config: IngestConfig,
  options: GatewayOptions = {},
): Promise<RunningGateway> {
  const settings = config.ingest;
  const clock = options.clock ?? Date.now;
  const file = options.file ?? loadGatewayFile(settings.configFile);
  const identity = createIdentityResolver(
    settings.identityFile === undefined
      ? EMPTY_IDENTITY_CONFIG
      : parseIdentityConfig(readFileSync(settings.identityFile, 'utf8'), settings.identityFile),
  );
  const { logger, kafka, redis, codec } = await connectRuntimeWith(
    'ingest',
    config,
    options.logger === undefined ? {} : { logger: options.logger },
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
  });
  let kafkaConnected = false;
  void producer
    .connect()
    .then(() => (kafkaConnected = true))
    .catch((error: unknown) =>
      logger.warn({ err: error }, 'Kafka not reachable yet; requests answer 503 until it is'),
    );
  const keys = ingestKeys(config.redis.keyPrefix);
  const metrics = new IngestMetrics();
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
    unmapped: new UnmappedRegistry(redis, keys.unmapped, settings.unmappedMax),
    metrics,
    logger,
    clock,
  };
  const app = await buildGateway(context);
  const ops = createOpsServer(
    {
      live: () => true,
      ready: async () => {
        const [redisOk, registryOk] = await Promise.all([
          redis.ping().then(
            () => true,
            () => false,
          ),
          registryAnswers(registry),
        ]);
        const checks = { redis: redisOk, registry: registryOk, kafka: kafkaConnected };
        return { ready: redisOk && registryOk && kafkaConnected, checks };
      },
    },
    metrics.registry,
  );
  const address = await listenOps(app, { host: settings.httpHost, port: settings.httpPort });
  const opsAddress = await listenOps(ops, { host: settings.httpHost, port: settings.opsPort });
  const pollers = settings.pollers
    ? startPollers(context, file)
    : startPollers(context, { ...file, pollers: {} });
  logger.info(
    { api: address.url, ops: opsAddress.url, tokens: file.tokens.length },
    'ingest gateway listening',
  );
  return {
    app,
    ops,
    address,
    opsAddress,
    context,
    producer,
    pollers,
    close: async () => {
      await pollers.stop();
      await app.close();
      // Kafka down: events still queued cannot be delivered; their requests were answered 503 already.
      await withDeadline(
        producer.close(),
        2 * settings.ackTimeoutMs,
        () => new Error('producer close timed out'),
      ).catch((error: unknown) =>
        logger.warn({ err: error }, 'producer not flushed on close; clients were answered 503'),
      );
      await ops.close();
      redis.disconnect();
    },
  };
}
