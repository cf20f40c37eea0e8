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
import type { UnmappedRegistry } from './unmapped.ts';

/** Everything the routes use, built once by main.ts (or a test) and passed in. */
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
  readonly unmapped: UnmappedRegistry;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  /** ms since the epoch. */
  readonly clock: () => number;
}
