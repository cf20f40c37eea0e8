import { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ConfigError, createLogger, type Config } from '@mesh-momentum/common';
import { createRedis } from './redis-client.ts';

const base: Config['redis'] = {
  url: 'redis://user:s3cret@127.0.0.1:16379',
  keyPrefix: 'mm',
  connectTimeoutMs: 1_234,
  commandTimeoutMs: 5_678,
  clusterNodes: undefined,
};
const logger = createLogger({ name: 'test', level: 'silent' });

/** Which client createRedis builds, and with which bounds; nothing connects (lazyConnect). */
describe('createRedis', () => {
  it('builds a single Redis client when no cluster nodes are configured', () => {
    const redis = createRedis(base, logger);
    expect(redis.isCluster).toBe(false);
    redis.disconnect();
  });

  it('builds a Cluster over the seed nodes, reading from masters, with the bounds and credentials of MM_REDIS_*', () => {
    const redis = createRedis({ ...base, clusterNodes: ['127.0.0.1:17001', 'redis-b:17002'] }, logger);
    expect(redis).toBeInstanceOf(Cluster);
    if (!(redis instanceof Cluster)) return;
    expect(redis.options.scaleReads).toBe('master');
    expect(redis.options.enableReadyCheck).toBe(true);
    expect(redis.options.redisOptions).toMatchObject({
      connectTimeout: 1_234,
      commandTimeout: 5_678,
      autoResendUnfulfilledCommands: false,
      username: 'user',
      password: 's3cret',
    });
    expect(redis.status).toBe('wait');
    redis.disconnect();
  });

  it('pipelines automatically only when the service asks, on a single Redis and a Cluster alike', () => {
    const nodes = { ...base, clusterNodes: ['127.0.0.1:17001'] };
    const clients = [
      createRedis(base, logger),
      createRedis(nodes, logger),
      createRedis(base, logger, { autoPipelining: true }),
      createRedis(nodes, logger, { autoPipelining: true }),
    ];
    expect(clients.map((c) => c.options.enableAutoPipelining)).toEqual([false, false, true, true]);
    for (const c of clients) c.disconnect();
  });

  it('refuses a database other than 0 for a cluster (a cluster has only database 0)', () => {
    expect(() =>
      createRedis({ ...base, url: 'redis://127.0.0.1:16379/3', clusterNodes: ['127.0.0.1:17001'] }, logger),
    ).toThrow(ConfigError);
  });
});
