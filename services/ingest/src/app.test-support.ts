import { createIdentityResolver, EMPTY_IDENTITY_CONFIG } from '@mesh-momentum/adapters';
import { createLogger, loadConfig } from '@mesh-momentum/common';
import { Redis } from 'ioredis';
import { TokenVerifier, type ApiToken } from './auth/tokens.ts';
import { defaultIngestSettings } from './config.ts';
import type { GatewayContext } from './context.ts';
import { DeliveryLedger } from './deliveries.ts';
import { EMPTY_GATEWAY_FILE } from './gateway-file.ts';
import { ingestKeys } from './keys.ts';
import { IngestMetrics } from './metrics.ts';
import { RateBudget } from './rate-budget.ts';
import type { Publisher } from './publisher.ts';
import { UnmappedRegistry } from './unmapped.ts';

/**
 * A gateway context for tests that never reach Redis or Kafka (routing, auth refusals, the OpenAPI
 * document): the Redis client is created but never connected, and the publisher is absent.
 */
export function offlineContext(
  tokens: readonly ApiToken[] = [],
  overrides: Partial<GatewayContext['settings']> = {},
): GatewayContext {
  const config = loadConfig({});
  const settings = { ...defaultIngestSettings(), ...overrides };
  // Port 9 (discard): nothing answers, so every command fails at once, as with Redis down.
  const redis = new Redis({
    port: 9,
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  const keys = ingestKeys('test');
  const logger = createLogger({ name: 'test', level: 'silent' });
  return {
    config,
    settings,
    file: { ...EMPTY_GATEWAY_FILE, tokens },
    tokens: new TokenVerifier(tokens),
    identity: createIdentityResolver(EMPTY_IDENTITY_CONFIG),
    publisher: undefined as unknown as Publisher,
    redis,
    keys,
    deliveries: new DeliveryLedger(redis, { pendingTtlMs: 1_000, doneTtlSeconds: 60 }),
    budget: new RateBudget(
      redis,
      {
        max: settings.rateLimitMax,
        windowMs: settings.rateLimitWindowMs,
        key: keys.rateBudget,
      },
      logger,
    ),
    unmapped: new UnmappedRegistry(redis, keys.unmapped, 10),
    metrics: new IngestMetrics(),
    logger,
    clock: Date.now,
  };
}
