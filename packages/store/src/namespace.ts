import { INITIAL_NAMESPACE, keys } from './keys.ts';
import type { RedisClient } from './redis-client.ts';

/**
 * The namespace readers and the live processor use: the value of `<prefix>:namespace`, set to
 * INITIAL_NAMESPACE by the first process that finds it missing (SET NX, so concurrent starters agree).
 */
export async function resolveNamespace(redis: RedisClient, prefix: string): Promise<string> {
  const pointer = keys.namespacePointer(prefix);
  await redis.set(pointer, INITIAL_NAMESPACE, 'NX');
  const current = await redis.get(pointer);
  return current ?? INITIAL_NAMESPACE;
}
