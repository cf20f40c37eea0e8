import type { IdentityResolver } from '@mesh-momentum/adapters';
import type { RedisClient } from '@mesh-momentum/service-kit';
import type { IngestKeys } from '../keys.ts';
import type { Publisher } from '../publisher.ts';
import type { UnmappedRegistry } from '../unmapped.ts';

/** What every poller of a tool's API works with: its state in Redis, Kafka, identities, refusals, time. */
export interface PollerDeps {
  readonly redis: RedisClient;
  readonly keys: IngestKeys;
  readonly publisher: Publisher;
  readonly identity: IdentityResolver;
  readonly unmapped: UnmappedRegistry;
  readonly clock: () => number;
}
