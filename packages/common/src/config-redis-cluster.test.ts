import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { loadConfig } from './config.ts';

describe('MM_REDIS_CLUSTER_NODES', () => {
  it('is unset by default: a single Redis', () => {
    expect(loadConfig({}).redis.clusterNodes).toBeUndefined();
    expect(loadConfig({ MM_REDIS_CLUSTER_NODES: '' }).redis.clusterNodes).toBeUndefined();
  });

  it('reads a host:port list, spaces around commas allowed', () => {
    const config = loadConfig({ MM_REDIS_CLUSTER_NODES: '127.0.0.1:17001, redis-b:17002,redis-c:17003' });
    expect(config.redis.clusterNodes).toEqual(['127.0.0.1:17001', 'redis-b:17002', 'redis-c:17003']);
  });

  it('refuses anything else, naming the variable', () => {
    for (const bad of ['127.0.0.1', 'redis://a:1', 'a:1,,b:2', 'a:port']) {
      let error: unknown;
      try {
        loadConfig({ MM_REDIS_CLUSTER_NODES: bad });
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message, bad).toContain('MM_REDIS_CLUSTER_NODES');
    }
  });
});
