import type { Redis } from 'ioredis';

/** Redis memory of one key family (`agg:product`, `seen`, `movers:value:domain`, …). */
export interface FamilyMemory {
  readonly family: string;
  readonly keys: number;
  readonly bytes: number;
}

/**
 * The family of a key under `<prefix>:<ns>:`: its parts after the hash tag, with product ids and
 * de-duplication periods replaced, so `mm:v1:{d}:agg:product:x` is `agg:product`.
 */
export function familyOf(key: string): string {
  const rest = key.replace(/^[^:]+:[^:]+:(\{[^}]*\}:)?/, '');
  return rest
    .replace(/:product:.*$/, ':product')
    .replace(/^seen:.*$/, 'seen')
    .replace(/^epoch:.*$/, 'epoch');
}

/**
 * MEMORY USAGE (all samples) of every key under the prefix, summed per family: exact per key, the sum
 * differs from INFO's used_memory growth by the allocator's own overhead. One pipeline per 2,000 keys.
 */
export async function memoryByFamily(redis: Redis, prefix: string): Promise<FamilyMemory[]> {
  const families = new Map<string, { keys: number; bytes: number }>();
  const stream = redis.scanStream({ match: `${prefix}:*`, count: 2000 });
  for await (const batch of stream as AsyncIterable<string[]>) {
    if (batch.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.memory('USAGE', key, 'SAMPLES', '0');
    const replies = (await pipeline.exec()) ?? [];
    batch.forEach((key, i) => {
      const f = families.get(familyOf(key)) ?? { keys: 0, bytes: 0 };
      f.keys += 1;
      f.bytes += Number(replies[i]?.[1] ?? 0);
      families.set(familyOf(key), f);
    });
  }
  return [...families].map(([family, f]) => ({ family, ...f })).sort((a, b) => b.bytes - a.bytes);
}

/** Scopes under the prefix: one score hash each (the mesh, domains, products). */
export function scopesOf(families: readonly FamilyMemory[]): number {
  return families
    .filter((f) => f.family === 'score:domain' || f.family === 'score:product' || f.family === 'score')
    .reduce((n, f) => n + f.keys, 0);
}
