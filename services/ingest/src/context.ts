import type { RedisClient } from '@mesh-momentum/service-kit';
import type { IdentityResolver } from '@mesh-momentum/adapters';
import type { Config, Logger } from '@mesh-momentum/common';
import type { TokenVerifier } from './auth/tokens.ts';
import type { IngestSettings } from './config.ts';
import type { DeliveryLedger } from './deliveries.ts';
import type { GatewayFile } from './gateway-file.ts';
import type { IngestKeys } from './keys.ts';
import type { IngestMetrics } from './metrics.ts';
import type { Publisher } from './publisher.ts';
import type { RateBudget } from './rate-budget.ts';
import type { UnmappedRegistry } from './unmapped.ts';

/** Everything the routes use, built once by service.ts (or a test) and passed in. */
export interface GatewayContext {
  readonly config: Config;
  readonly settings: IngestSettings;
  readonly file: GatewayFile;
  readonly tokens: TokenVerifier;
  readonly identity: IdentityResolver;
  readonly publisher: Publisher;
  readonly redis: RedisClient;
  readonly keys: IngestKeys;
  readonly deliveries: DeliveryLedger;
  /** Per-token, per-webhook and per-address rate budgets (MM_INGEST_RATE_LIMIT_*). */
  readonly budget: RateBudget;
  readonly unmapped: UnmappedRegistry;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  /** ms since the epoch. */
  readonly clock: () => number;
}
