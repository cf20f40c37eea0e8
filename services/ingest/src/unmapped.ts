import { redisCall } from '@mesh-momentum/common';
import type { RedisClient } from '@mesh-momentum/service-kit';
import type { ToolName, UnmappedEntity } from '@mesh-momentum/adapters';

/**
 * An item refused for good (a payload the adapter cannot read, an event validation refuses), listed with
 * the unmapped entities: where teams look for their mapping problems (GET /v1/admin/unmapped).
 */
export function refusal(tool: ToolName, ref: string, error: unknown): UnmappedEntity {
  return { status: 'unmapped', tool, ref, reason: `refused: ${(error as Error).message}` };
}

export interface UnmappedListing {
  readonly tool: string;
  readonly ref: string;
  readonly reason: string;
  /** Last time a delivery or poll named it, RFC 3339. */
  readonly lastSeen: string;
}

/**
 * Tool entities the identity mapping could not resolve, so teams can fix their mapping: a sorted set
 * (member `{tool, ref, reason}` as JSON, score = last seen ms) trimmed to the `max` most recent, so a tool
 * that names endless new entities cannot grow Redis without bound.
 */
export class UnmappedRegistry {
  readonly #redis: RedisClient;
  readonly #key: string;
  readonly #max: number;

  constructor(redis: RedisClient, key: string, max: number) {
    this.#redis = redis;
    this.#key = key;
    this.#max = max;
  }

  async record(entities: readonly UnmappedEntity[], nowMs: number): Promise<void> {
    if (entities.length === 0) return;
    const pipeline = this.#redis.pipeline();
    for (const e of entities) {
      pipeline.zadd(this.#key, nowMs, JSON.stringify({ tool: e.tool, ref: e.ref, reason: e.reason }));
    }
    pipeline.zremrangebyrank(this.#key, 0, -(this.#max + 1));
    await redisCall('listing unmapped entities', async () => {
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error !== null);
      if (failed) throw failed[0];
    });
  }

  /** Most recently seen first. */
  async list(limit: number): Promise<UnmappedListing[]> {
    const raw = await redisCall('reading unmapped entities', () =>
      this.#redis.zrevrange(this.#key, 0, limit - 1, 'WITHSCORES'),
    );
    const out: UnmappedListing[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const entity = JSON.parse(raw[i] as string) as Omit<UnmappedListing, 'lastSeen'>;
      out.push({ ...entity, lastSeen: new Date(Number(raw[i + 1])).toISOString() });
    }
    return out;
  }
}
